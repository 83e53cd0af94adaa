import type { Operation as PatchOperation } from 'fast-json-patch';
import { Document, stringify, visit } from 'yaml';
import { roleScript } from '../../core/rules/roleScript.js';

const roleScriptPlaceholder = `<role script, ${roleScript.trimEnd().split('\n').length} lines>`;
/** A value this short stays on one line: on the operation's own line, or as one item of a block. */
const flowWidth = 80;

/** The role script is the same for every StatefulSet and long; in a diff it is noise. */
function collapseRoleScript(value: unknown): unknown {
  if (value === roleScript) return roleScriptPlaceholder;
  if (Array.isArray(value)) return value.map(collapseRoleScript);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, collapseRoleScript(v)]));
  return value;
}

function flowYaml(value: unknown): string {
  return stringify(value, { collectionStyle: 'flow', flowCollectionPadding: false, lineWidth: 0 }).trimEnd();
}

function fitsOnALine(value: unknown): boolean {
  const flow = flowYaml(value);
  return !flow.includes('\n') && flow.length <= flowWidth;
}

/** Block YAML in which every collection short enough is written on one line: `capabilities: {drop: [ALL]}`. */
function compactYaml(value: unknown): string {
  const doc = new Document(value);
  visit(doc, {
    Collection(_key, node) {
      if (!fitsOnALine(node.toJSON())) return undefined;
      node.flow = true;
      return visit.SKIP;
    },
  });
  return doc.toString({ flowCollectionPadding: false, lineWidth: 0 }).trimEnd();
}

function describeValue(path: string, value: unknown): string[] {
  const shown = collapseRoleScript(value);
  if (fitsOnALine(shown)) return [`${path}: ${flowYaml(shown)}`];
  // As a one-key mapping, YAML itself lays the value out under the path: block collections and `|-` text alike.
  return compactYaml({ [path]: shown }).split('\n');
}

const signs: Partial<Record<PatchOperation['op'], string>> = { add: '+', replace: '~', remove: '-' };

/**
 * A JSON Patch as a reviewer reads it: one entry per operation, `+` add, `~` replace, `-` remove, the
 * path as a JSON Pointer and the value as YAML.
 */
export function describePatch(patch: readonly PatchOperation[]): string[] {
  return patch.flatMap((op) => {
    const [first, ...rest] = 'value' in op ? describeValue(op.path, op.value) : [op.path];
    return [`${signs[op.op] ?? op.op} ${first}`, ...rest.map((line) => `  ${line}`)];
  });
}
