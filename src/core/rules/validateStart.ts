import type { Validator } from './rule.js';
import { bitnamiRefusals } from './bitnamiEnv.js';
import { redisContainerField } from './redisContainer.js';

const howToStart =
  "redis-server (or valkey-server) itself: command: [redis-server] with args: [your config file, --key, value, ...], or args alone through the image's entrypoint; the webhook then points it at the rendered config, which includes yours";

/** A script's single `redis-server ...` line, as command and args the webhook can wire; undefined when it is more than that. */
function asExecForm(script: string): string | undefined {
  const line = script.trim().replace(/^exec\s+/, '');
  if (/[;&|<>`\n]|\$\(/.test(line)) return undefined;
  const words = line.match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  const [server, ...args] = words.map((w) => w.replace(/^["']|["']$/g, '').replace(/^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/, '$($1)'));
  if (server === undefined || !/(^|\/)(redis|valkey)-server$/.test(server)) return undefined;
  return `command: [${server}], args: [${args.join(', ')}]`;
}

/** The webhook rewires only a start it understands; a script or wrapper would start Redis its own way. */
export const start: Validator = {
  name: 'start',
  validate(sts, { setup }) {
    const found = setup.start;
    const container = setup.container?.name ?? '';
    const fromEnv = found?.kind === 'bitnami-env' ? bitnamiRefusals(setup.container, redisContainerField(sts), 'start') : [];
    if (found?.kind !== 'unsupported') return fromEnv;
    const exec = found.script === undefined ? undefined : asExecForm(found.script);
    return [
      {
        field: found.field,
        found: `container ${container} starts ${found.found}, which the webhook cannot point at the rendered config`,
        allowed: exec ? `the same start without the shell: ${exec}` : howToStart,
      },
    ];
  },
};
