import type { KubernetesObject } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { errorMessage } from '../../wire/errorMessage.js';
import { isRecord } from '../../wire/isRecord.js';

/** One object of a manifest stream, and where it was: `document 3`, or `document 3, items[0]` inside a List. */
export interface ManifestObject {
  where: string;
  object: KubernetesObject;
}

export type ManifestParse = { ok: true; objects: ManifestObject[] } | { ok: false; errors: string[] };

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? `the text ${JSON.stringify(value.slice(0, 40))}` : `a ${typeof value}`;
}

/**
 * The Kubernetes objects of a multi-document YAML stream (`kustomize build` output, or what `kubectl
 * apply -f` reads). A document kubectl would refuse is an error naming `source` and the document
 * number: not YAML, not a mapping, or no apiVersion/kind. A `kind: List` is opened, as kubectl does, so
 * a StatefulSet inside one is not skipped unseen. An empty stream is an error too: in a CI pipe it
 * means the step before failed, and passing it would hide that.
 */
export function parseManifests(text: string, source: string): ManifestParse {
  const documents = parseAllDocuments(text);
  if (documents.length === 0)
    return { ok: false, errors: [`${source}: no documents; expected Kubernetes objects, e.g. the output of kustomize build`] };
  const errors: string[] = [];
  const objects: ManifestObject[] = [];
  const add = (value: unknown, where: string): void => {
    if (!isRecord(value)) {
      errors.push(`${source} (${where}): found ${describe(value)}; expected a Kubernetes object (a mapping with apiVersion and kind)`);
    } else if (typeof value.apiVersion !== 'string' || typeof value.kind !== 'string' || value.apiVersion === '' || value.kind === '') {
      const found = `${JSON.stringify(value.apiVersion ?? null)}/${JSON.stringify(value.kind ?? null)}`;
      errors.push(`${source} (${where}): apiVersion/kind: found ${found}; expected both, e.g. apps/v1 and StatefulSet`);
    } else if (value.kind === 'List' && Array.isArray(value.items)) {
      value.items.forEach((item: unknown, i) => add(item, `${where}, items[${i}]`));
    } else {
      objects.push({ where, object: value });
    }
  };
  for (const [index, doc] of documents.entries()) {
    const where = `document ${index + 1}`;
    const problem = doc.errors[0];
    if (problem) {
      // The parser's message goes on with a code frame; its first line already gives line and column.
      errors.push(`${source} (${where}): not valid YAML: ${(problem.message.split('\n')[0] ?? '').replace(/:$/, '')}`);
      continue;
    }
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (error) {
      // toJS refuses, for one, an alias bomb (more aliases than the parser allows).
      errors.push(`${source} (${where}): not usable YAML: ${errorMessage(error)}`);
      continue;
    }
    // An empty document, e.g. after a trailing `---`, is no object at all; kubectl skips it too.
    if (value !== null && value !== undefined) add(value, where);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, objects };
}
