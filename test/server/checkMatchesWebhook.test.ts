import fastJsonPatch, { type Operation as PatchOperation } from 'fast-json-patch';
import type { V1StatefulSet } from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { AdmissionReview } from '../../src/wire/admissionReview.js';
import { manifest, runCli } from '../fixtures/runCli.js';
import { admissionReview, patchOf } from '../fixtures/statefulSet.js';
import { startWebhook, type WebhookProcess } from '../fixtures/webhookProcess.js';

interface Outcome {
  name: string;
  allowed: boolean;
  message: string | undefined;
  warnings: string[];
  patch: PatchOperation[];
}

interface CheckJson {
  statefulSets: { name: string; verdict: string; message?: string; warnings: string[]; patch: PatchOperation[] }[];
}

const files = ['passing.yaml', 'denied.yaml', 'warn.yaml', 'unlabeled.yaml'];
const policies = manifest('policies');

/**
 * What the API server does with a CREATE, done by hand against the HTTPS webhook: POST /mutate, apply
 * its patch, POST /validate with the result. Every StatefulSet of the file is sent, labeled or not:
 * the webhook itself must pass the unlabeled ones untouched.
 */
async function throughWebhook(webhook: WebhookProcess, file: string): Promise<Outcome[]> {
  const statefulSets = parseAllDocuments(readFileSync(manifest(file), 'utf8'))
    .map((doc) => doc.toJS() as V1StatefulSet)
    .filter((o) => o.kind === 'StatefulSet');
  const outcomes: Outcome[] = [];
  for (const submitted of statefulSets) {
    const namespace = submitted.metadata?.namespace ?? 'default';
    const sts = { ...submitted, metadata: { ...submitted.metadata, namespace } };
    const mutationReview = (await webhook.post('/mutate', admissionReview(sts, { namespace }))).json() as AdmissionReview;
    const mutation = mutationReview.response!;
    const patch = patchOf(mutationReview);
    const mutated = fastJsonPatch.applyPatch(structuredClone(sts), patch, true, false).newDocument;
    const validation = ((await webhook.post('/validate', admissionReview(mutated, { namespace }))).json() as AdmissionReview).response!;
    outcomes.push({
      name: sts.metadata.name!,
      allowed: mutation.allowed && validation.allowed,
      message: validation.status?.message,
      warnings: [...(mutation.warnings ?? []), ...(validation.warnings ?? [])],
      patch,
    });
  }
  return outcomes;
}

async function throughCheck(file: string): Promise<Outcome[]> {
  const run = await runCli(['check', '-f', manifest(file), '--policies', policies, '--output', 'json']);
  const report = JSON.parse(run.stdout) as CheckJson;
  return report.statefulSets.map((s) => ({
    name: s.name,
    allowed: s.verdict !== 'denied',
    message: s.message,
    warnings: s.warnings,
    patch: s.patch,
  }));
}

describe('check and the HTTPS webhook', () => {
  let webhook: WebhookProcess;
  beforeAll(async () => {
    webhook = await startWebhook(['--policies', policies]);
  }, 20_000);
  afterAll(() => webhook.stop());

  test.each(files)(
    '%s: the same verdicts, messages, warnings and patches',
    async (file) => {
      const [fromWebhook, fromCheck] = await Promise.all([throughWebhook(webhook, file), throughCheck(file)]);
      expect(fromCheck).toEqual(fromWebhook);
    },
    20_000,
  );

  test('the samples cover an allowed, a denied, a warned and an unlabeled StatefulSet', async () => {
    const outcomes = (await Promise.all(files.map((file) => throughWebhook(webhook, file)))).flat();
    expect(outcomes.some((o) => o.allowed && o.patch.length > 0 && o.warnings.length === 0)).toBe(true);
    expect(outcomes.some((o) => !o.allowed && o.message !== undefined)).toBe(true);
    expect(outcomes.some((o) => o.allowed && o.warnings.length > 0)).toBe(true);
    expect(outcomes.some((o) => o.allowed && o.patch.length === 0)).toBe(true);
  });
});
