#!/usr/bin/env node
// The one CLI. Each subcommand lives in its own module and exports a `Command`; this file only dispatches.
import type { Command } from './commands/command.js';
import { errorMessage } from './wire/errorMessage.js';

// Each command is imported only when it runs: @kubernetes/client-node alone takes most of a second to
// load, and `check` in a CI step or `serve` starting cold should not pay for what they do not use.
const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  serve: { summary: 'run the admission webhook (HTTPS)', load: async () => (await import('./commands/serve/serveCommand.js')).serveCommand },
  check: {
    summary: 'check manifests (kustomize build output) as the webhook would admit them',
    load: async () => (await import('./commands/check/checkCommand.js')).checkCommand,
  },
  policies: {
    summary: 'validate policy files, or export them as ValidatingAdmissionPolicies (policies validate|export)',
    load: async () => (await import('./commands/policies/policiesCommand.js')).policiesCommand,
  },
  audit: {
    summary: 'judge the labeled StatefulSets a cluster already stores, as the webhook would',
    load: async () => (await import('./commands/audit/auditCommand.js')).auditCommand,
  },
  verify: {
    summary: 'check that a replication group replicates (the promotion check)',
    load: async () => (await import('./commands/verify/verifyCommand.js')).verifyCommand,
  },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Usage: redis-replication-webhook <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'redis-replication-webhook <command> --help' for a command's options.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`redis-replication-webhook: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  return (await command.load()).run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`redis-replication-webhook: ${errorMessage(error)}\n`);
    process.exitCode = 2;
  },
);
