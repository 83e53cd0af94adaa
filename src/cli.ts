#!/usr/bin/env node
// The one CLI. Each subcommand lives in its own module and exports a `Command`; this file only dispatches.
import { checkCommand } from './check/checkCommand.js';
import { policiesCommand } from './check/policiesCommand.js';
import { serveCommand } from './server/serveCommand.js';
import { verifyCommand } from './verify/verifyCommand.js';
import type { Command } from './command.js';

const commands: Record<string, Command> = {
  serve: serveCommand,
  check: checkCommand,
  policies: policiesCommand,
  verify: verifyCommand,
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
  return command.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`redis-replication-webhook: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
