import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { errorMessage } from '../errorMessage.js';
import { duplicatePolicyNames } from '../policy/parsePolicies.js';
import { readPolicyFiles, type PolicyFile } from './loadPolicyDirectory.js';

const help = `Usage: redis-replication-webhook policies validate [DIR]

Checks every ReplicationPolicy file in DIR (default: policies) against the schema, as serve does
when it loads them, and prints each file as OK or with its errors (file, document, field, reason).

Options:
  -h, --help   show this help

Exit status: 0 every file is valid, 1 at least one is not, 2 DIR cannot be read or bad usage.
`;

function describeFile(file: PolicyFile): string[] {
  if (file.errors.length > 0) return file.errors;
  const names = file.policies.map((p) => p.name);
  return [`${file.file}: OK (${names.length > 0 ? names.join(', ') : 'no policies'})`];
}

export const policiesCommand: Command = {
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      process.stdout.write(help);
      return 0;
    }
    const [action, dir = 'policies', ...extra] = positionals;
    if (action !== 'validate' || extra.length > 0) {
      const found = positionals.length > 0 ? `"${positionals.join(' ')}"` : 'no subcommand';
      process.stderr.write(`policies: found ${found}; expected validate [DIR]\n\n${help}`);
      return 2;
    }
    let files: PolicyFile[];
    try {
      files = await readPolicyFiles(dir);
    } catch (error) {
      process.stderr.write(`policies: cannot read ${dir}: ${errorMessage(error)}\n`);
      return 2;
    }
    // The same folder-wide check serve makes: a policy is chosen by name, so names are unique.
    const duplicates = duplicatePolicyNames(
      dir,
      files.flatMap((f) => f.policies),
    );
    const invalid = files.filter((f) => f.errors.length > 0).length;
    const lines = [
      ...(files.length === 0 ? [`${dir}: no policy files (*.yaml, *.yml, *.json)`] : files.flatMap(describeFile)),
      ...duplicates,
      '',
      `${files.length} file${files.length === 1 ? '' : 's'}, ${invalid} invalid${duplicates.length > 0 ? `, ${duplicates.length} duplicate name${duplicates.length === 1 ? '' : 's'}` : ''}`,
    ];
    process.stdout.write(lines.join('\n') + '\n');
    return invalid > 0 || duplicates.length > 0 ? 1 : 0;
  },
};
