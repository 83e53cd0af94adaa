// Invariants of the admission core over thousands of generated StatefulSets and policies.
import fc from 'fast-check';
import fastJsonPatch, { type Operation as PatchOperation } from 'fast-json-patch';
import type { V1StatefulSet } from '@kubernetes/client-node';
import { reviewAdmission, type Endpoint } from '../../src/core/admission/reviewAdmission.js';
import type { AdmissionReview } from '../../src/wire/admissionReview.js';
import { selectPolicy } from '../../src/core/policy/selectPolicy.js';
import { validatePolicyDocument } from '../../src/core/policy/validatePolicyDocument.js';
import { mutators } from '../../src/core/rules/ruleChain.js';
import { validateStatefulSet } from '../../src/core/admission/validateStatefulSet.js';
import { redisSetup } from '../../src/core/rules/redisSetup.js';
import { redisContainer } from '../../src/core/rules/redisContainer.js';
import { userConfigFile } from '../../src/core/rules/redisStart.js';
import {
  exporterContainerName,
  initContainerName,
  mutatedByAnnotation,
  sentinelContainerName,
  sentinelExporterContainerName,
} from '../../src/wire/replicationNames.js';
import { policies, policyDocument, scaleReview, statefulSetReview } from '../fixtures/arbitraries.js';
import { patchOf } from '../fixtures/statefulSet.js';

const numRuns = 3000;
const tally = new Map<string, { cases: number; patched: number; denied: number; ops: number }>();

/** Counts what a property actually exercised, so the report shows more than "passed". */
function count(property: string, answer?: AdmissionReview, ops = 0): void {
  const entry = tally.get(property) ?? { cases: 0, patched: 0, denied: 0, ops: 0 };
  entry.cases += 1;
  if (answer?.response?.patch !== undefined) entry.patched += 1;
  if (answer?.response?.allowed === false) entry.denied += 1;
  entry.ops += ops;
  tally.set(property, entry);
}

afterAll(() => {
  const lines = [...tally].map(
    ([name, t]) => `  ${name}: ${t.cases} cases (${t.patched} patched, ${t.denied} denied, ${t.ops} patch operations checked)`,
  );
  console.info(`property tests:\n${lines.join('\n')}`);
});

function objectOf(review: AdmissionReview): V1StatefulSet {
  return review.request!.object as V1StatefulSet;
}

function applied(sts: V1StatefulSet, ops: PatchOperation[]): V1StatefulSet {
  // The API server applies patches in Go, where "__proto__" is a key like any other; fast-json-patch
  // refuses to touch it unless told (its last argument).
  return fastJsonPatch.applyPatch(structuredClone(sts), ops, true, false, false).newDocument;
}

/** The value at a JSON Pointer, or undefined when the path does not exist. */
function valueAt(document: unknown, pointer: string): unknown {
  let value = document;
  for (const part of pointer.split('/').slice(1).map(fastJsonPatch.unescapePathComponent)) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** The words a container runs, command then args. */
function startWords(sts: V1StatefulSet): string[] {
  const container = redisContainer(sts);
  return [...(container?.command ?? []), ...(container?.args ?? [])].filter((w): w is string => typeof w === 'string');
}

/** Whether `part` appears in `whole` in the same order (not necessarily next to each other). */
function isSubsequence(part: readonly string[], whole: readonly string[]): boolean {
  let at = 0;
  for (const word of whole) if (at < part.length && word === part[at]) at++;
  return at === part.length;
}

/**
 * Paths the webhook owns: its init, Sentinel and exporter containers (wherever the user's lists put them), its
 * annotation, the Redis container's start, which it points at the rendered config (checked on its own:
 * every word the user wrote but their config file stays, in order), and on a create with Sentinel the
 * podManagementPolicy the API server defaulted to OrderedReady.
 */
function webhookOwned(sts: V1StatefulSet, path: string, operation: string | undefined, op: PatchOperation): boolean {
  if (path === `/metadata/annotations/${fastJsonPatch.escapePathComponent(mutatedByAnnotation)}`) return true;
  if (path === '/spec/podManagementPolicy')
    return operation === 'CREATE' && sts.spec?.podManagementPolicy === 'OrderedReady' && op.op === 'replace' && op.value === 'Parallel';
  const sidecar = /^\/spec\/template\/spec\/containers\/(\d+)(\/|$)/.exec(path);
  const sidecars = [sentinelContainerName, exporterContainerName, sentinelExporterContainerName];
  if (sidecar !== null && sidecars.includes(sts.spec?.template?.spec?.containers?.[Number(sidecar[1])]?.name ?? '')) return true;
  const redis = redisContainer(sts);
  const index = redis ? sts.spec!.template.spec!.containers.indexOf(redis) : -1;
  if (new RegExp(`^/spec/template/spec/containers/${index}/(command|args)(/|$)`).test(path)) return true;
  const match = /^\/spec\/template\/spec\/initContainers\/(\d+)\//.exec(path);
  return match !== null && sts.spec?.template?.spec?.initContainers?.[Number(match[1])]?.name === initContainerName;
}

const endpoint = fc.constantFrom<Endpoint>('mutate', 'validate');

describe('the admission core, for any StatefulSet and any valid policies', () => {
  test('the generated policies are all valid', () => {
    fc.assert(
      fc.property(policyDocument, (doc) => {
        count('generated policies are valid');
        expect(validatePolicyDocument(doc)).toEqual({ ok: true, policy: doc });
      }),
      { numRuns },
    );
  });

  test('never throws, and answers a well-formed AdmissionReview with the request uid', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          statefulSetReview.map((review) => ({ review, parent: undefined })),
          scaleReview,
        ),
        endpoint,
        policies,
        ({ review, parent }, which, policyList) => {
          const answer = reviewAdmission(which, review, { policies: policyList, ...(parent ? { parent } : {}) });
          count('never throws, well-formed answer', answer);
          expect(answer.apiVersion).toBe('admission.k8s.io/v1');
          expect(answer.kind).toBe('AdmissionReview');
          const response = answer.response!;
          expect(response.uid).toBe(review.request!.uid);
          expect(typeof response.allowed).toBe('boolean');
          if (response.patch !== undefined) {
            expect(response.patchType).toBe('JSONPatch');
            expect(Array.isArray(patchOf(answer))).toBe(true);
          }
          if (!response.allowed) {
            expect(response.status?.code).toBe(403);
            expect(typeof response.status?.message).toBe('string');
          }
          for (const warning of response.warnings ?? []) expect(typeof warning).toBe('string');
          // The answer serializes: the server sends it as JSON.
          expect(() => JSON.stringify(answer)).not.toThrow();
        },
      ),
      { numRuns },
    );
  });

  test('every patch applies cleanly (with validation) to its object, and leaves the request object untouched', () => {
    fc.assert(
      fc.property(statefulSetReview, policies, (review, policyList) => {
        const before = structuredClone(review);
        const answer = reviewAdmission('mutate', review, { policies: policyList });
        const ops = patchOf(answer);
        count('patch applies, request untouched', answer, ops.length);
        expect(() => applied(objectOf(review), ops)).not.toThrow();
        expect(review).toEqual(before);
      }),
      { numRuns },
    );
  });

  test('the patch yields what the mutators make of a full deep copy', () => {
    fc.assert(
      fc.property(statefulSetReview, policies, (review, policyList) => {
        const sts = objectOf(review);
        const ops = patchOf(reviewAdmission('mutate', { ...review, request: { ...review.request!, operation: 'CREATE' } }, { policies: policyList }));
        count('patch equals full-copy mutation', undefined, ops.length);
        const namespace = review.request!.namespace ?? 'default';
        const selection = selectPolicy(policyList, namespace, sts.metadata?.annotations);
        if (sts.metadata?.labels?.['redis-replication'] !== 'enabled' || !selection.ok) return expect(ops).toEqual([]);
        const ctx = { policy: selection.policy, namespace, operation: 'CREATE' as const, setup: redisSetup(sts, selection.policy) };
        // What will be refused is left untouched.
        if (validateStatefulSet(sts, ctx).some((v) => v.enforcement === 'deny')) return expect(ops).toEqual([]);
        const expected = structuredClone(sts);
        for (const mutator of mutators) mutator.mutate(expected, ctx);
        expect(applied(sts, ops)).toEqual(expected);
      }),
      { numRuns },
    );
  });

  test('what the mutating webhook wires, the validating webhook admits: no deny appears after mutation', () => {
    fc.assert(
      fc.property(statefulSetReview, policies, (review, policyList) => {
        const before = reviewAdmission('validate', review, { policies: policyList });
        const ops = patchOf(reviewAdmission('mutate', review, { policies: policyList }));
        count('mutation keeps the verdict', before, ops.length);
        const after = reviewAdmission(
          'validate',
          { ...review, request: { ...review.request!, object: applied(objectOf(review), ops) } },
          { policies: policyList },
        );
        expect(after.response!.allowed).toBe(before.response!.allowed);
        if (!before.response!.allowed) expect(ops).toEqual([]);
      }),
      { numRuns },
    );
  });

  test('mutation is idempotent: the mutated object gets no patch', () => {
    fc.assert(
      fc.property(statefulSetReview, policies, (review, policyList) => {
        const answer = reviewAdmission('mutate', review, { policies: policyList });
        const ops = patchOf(answer);
        count('idempotent', answer, ops.length);
        const again = { ...review, request: { ...review.request!, object: applied(objectOf(review), ops) } };
        expect(patchOf(reviewAdmission('mutate', again, { policies: policyList }))).toEqual([]);
      }),
      { numRuns },
    );
  });

  test('fields the user set are never changed, except in what the webhook owns', () => {
    fc.assert(
      fc.property(statefulSetReview, policies, (review, policyList) => {
        const sts = objectOf(review);
        const answer = reviewAdmission('mutate', review, { policies: policyList });
        const ops = patchOf(answer);
        count('user fields unchanged', answer, ops.length);
        for (const op of ops) {
          // A null field is one the user left unset (the API server drops nulls when it stores the object).
          const existing = valueAt(sts, op.path);
          const overwrites = op.op === 'replace' || op.op === 'remove' || (op.op === 'add' && !/\/\d+$/.test(op.path));
          if (overwrites && existing !== undefined && existing !== null && !webhookOwned(sts, op.path, review.request?.operation, op)) {
            throw new Error(`${op.op} ${op.path} overwrites the user's ${JSON.stringify(existing)}`);
          }
        }
        const userFile = userConfigFile(sts);
        const kept = startWords(sts).filter((w) => w !== userFile);
        if (ops.length > 0 && !isSubsequence(kept, startWords(applied(sts, ops)))) {
          throw new Error(`the start ${JSON.stringify(startWords(sts))} lost words: ${JSON.stringify(startWords(applied(sts, ops)))}`);
        }
      }),
      { numRuns },
    );
  });

  test('every deny names at least one field path', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          statefulSetReview.map((review) => ({ review, parent: undefined })),
          scaleReview,
        ),
        policies,
        ({ review, parent }, policyList) => {
          const answer = reviewAdmission('validate', review, { policies: policyList, ...(parent ? { parent } : {}) });
          count('deny names a field', answer);
          if (answer.response!.allowed) return;
          expect(answer.response!.status!.message).toMatch(/(^|\s)(spec|metadata)\./m);
        },
      ),
      { numRuns },
    );
  });
});
