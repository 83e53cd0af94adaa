import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { errorMessage } from '../../wire/errorMessage.js';
import { loadPolicyDirectory } from '../../edges/files/loadPolicyDirectory.js';
import { policySet } from '../../core/policy/policySet.js';
import type { EffectivePolicy } from '../../core/policy/replicationPolicy.js';
import { checkManifests, checkPassed } from './checkManifests.js';
import { parseManifests } from './parseManifests.js';
import { textReport } from './textReport.js';

const help = `Usage: redis-replication-webhook check [-f FILE | -] [options]

Reads Kubernetes manifests (multi-document YAML, e.g. the output of kustomize build) and runs every
StatefulSet through the webhook's own admission, as the API server would on create: mutate, apply
the patch, validate. Prints each verdict, every violation with its field path, the warnings, and
what the webhook would inject. Other kinds are counted and ignored.

  kustomize build overlays/prod | redis-replication-webhook check --policies policies

Options:
  -f, --file FILE     manifests to read; - is stdin (default -)
  --policies DIR      folder of ReplicationPolicy files, as given to serve
                      (default: none, only the built-in policy)
  -n, --namespace NS  namespace of objects that name none (default: default)
  --output FORMAT     text or json (default text)
  -h, --help          show this help

Exit status: 0 every StatefulSet would be admitted (warnings allowed), 1 at least one would be
denied, 2 the input, the policies or the options could not be read.
`;

const options = {
  file: { type: 'string', short: 'f', default: '-' },
  policies: { type: 'string' },
  namespace: { type: 'string', short: 'n', default: 'default' },
  output: { type: 'string', default: 'text' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function readInput(file: string): Promise<string> {
  if (file !== '-') return readFile(file, 'utf8');
  // Waiting on a terminal would look like a hang; in CI stdin is always a pipe or a file.
  if (process.stdin.isTTY) throw new Error('stdin is a terminal; pipe manifests in (kustomize build DIR | ... check) or pass -f FILE');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function loadPolicies(dir: string | undefined): Promise<{ ok: true; policies: EffectivePolicy[] } | { ok: false; errors: string[] }> {
  if (dir === undefined) return { ok: true, policies: policySet([]) };
  const load = await loadPolicyDirectory(dir);
  return load.ok ? { ok: true, policies: policySet(load.policies) } : load;
}

function fail(lines: string[]): number {
  process.stderr.write(`${lines.join('\n  ')}\n`);
  return 2;
}

export const checkCommand: Command = {
  async run(argv) {
    const { values } = parseArgs({ args: argv, options, strict: true });
    if (values.help) {
      process.stdout.write(help);
      return 0;
    }
    if (values.output !== 'text' && values.output !== 'json') throw new Error(`--output: found "${values.output}"; allowed text or json`);
    const source = values.file === '-' ? 'stdin' : values.file;
    let text: string;
    try {
      text = await readInput(values.file);
    } catch (error) {
      return fail([`check: cannot read ${source}: ${errorMessage(error)}`]);
    }
    const policies = await loadPolicies(values.policies);
    if (!policies.ok) return fail([`check: cannot load the policies in ${values.policies}:`, ...policies.errors]);
    const manifests = parseManifests(text, source);
    if (!manifests.ok) return fail([`check: ${source} is not a readable manifest stream:`, ...manifests.errors]);
    const report = checkManifests(source, manifests.objects, policies.policies, values.namespace);
    const passed = checkPassed(report);
    process.stdout.write(values.output === 'json' ? JSON.stringify({ ...report, passed }, null, 2) + '\n' : textReport(report));
    return passed ? 0 : 1;
  },
};
