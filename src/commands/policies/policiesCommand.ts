import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { errorMessage } from '../../wire/errorMessage.js';
import { duplicatePolicyNames } from '../../core/policy/parsePolicies.js';
import { stringify } from 'yaml';
import { policySet } from '../../core/policy/policySet.js';
import { expressibleRules, notExpressible, validatingAdmissionPolicies } from '../../core/admission/validatingAdmissionPolicy.js';
import { loadPolicyDirectory, readPolicyFiles, type PolicyFile } from '../../edges/files/loadPolicyDirectory.js';

const help = `Usage: redis-replication-webhook policies validate [DIR]
       redis-replication-webhook policies export --format vap [DIR]

validate  checks every ReplicationPolicy file in DIR (default: policies) against the schema, as serve
          does when it loads them, and prints each file as OK or with its errors (file, document,
          field, reason).
export    prints, as YAML for kubectl apply -f -, ValidatingAdmissionPolicies and bindings that
          enforce the rules CEL can express (${expressibleRules.join(', ')}) for the
          policies of DIR and the built-in default, with no webhook: the API server itself refuses.
          The other rules (${Object.keys(notExpressible).join(', ')}), StatefulSets that name their
          policy, and sizes through kubectl scale stay the webhook's.

Options:
  --format vap   the export format (the only one)
  -h, --help     show this help

Exit status: 0 every file is valid (validate) or exported (export), 1 at least one is not valid, 2 DIR
cannot be read or bad usage.
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
      options: { help: { type: 'boolean', short: 'h' }, format: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      process.stdout.write(help);
      return 0;
    }
    const [action, dir = 'policies', ...extra] = positionals;
    if ((action !== 'validate' && action !== 'export') || extra.length > 0) {
      const found = positionals.length > 0 ? `"${positionals.join(' ')}"` : 'no subcommand';
      process.stderr.write(`policies: found ${found}; expected validate [DIR] or export --format vap [DIR]\n\n${help}`);
      return 2;
    }
    if (action === 'export') return exportPolicies(dir, values.format);
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

/** `policies export --format vap DIR`: the folder's policies (all or nothing, as serve loads them) as ValidatingAdmissionPolicies. */
async function exportPolicies(dir: string, format: string | undefined): Promise<number> {
  if (format !== 'vap') {
    process.stderr.write(`policies export: --format: found ${format === undefined ? 'none' : `"${format}"`}; allowed vap\n`);
    return 2;
  }
  const load = await loadPolicyDirectory(dir);
  if (!load.ok) {
    process.stderr.write(`policies export: ${dir} is not valid:\n  ${load.errors.join('\n  ')}\n`);
    return 1;
  }
  const objects = validatingAdmissionPolicies(policySet(load.policies));
  process.stdout.write(objects.map((object) => stringify(object, { lineWidth: 0 })).join('---\n'));
  return 0;
}
