import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// Edge runtimes (Cloudflare Workers and others) forbid eval and new Function; Node does too with this flag.
// The package must import and answer there: its policy validator is generated at build time.
const script = (module: string) => `
const m = await import(${JSON.stringify(fileURLToPath(new URL(module, import.meta.url)))});
const review = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u', kind: { group: 'apps', version: 'v1', kind: 'StatefulSet' }, resource: { group: 'apps', version: 'v1', resource: 'statefulsets' }, namespace: 'default', operation: 'CREATE', object: { metadata: { name: 'cache', labels: { 'redis-replication': 'enabled' } }, spec: { replicas: 40 } } } };
const fetchAnswer = await m.createFetchHandler()(new Request('https://x/validate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(review) }));
const policy = m.validatePolicyDocument({ apiVersion: 'redis-replication.io/v1alpha1', kind: 'ReplicationPolicy', metadata: { name: 'p' }, spec: { replicas: { min: 'two' } } });
process.stdout.write(JSON.stringify({ status: fetchAnswer.status, allowed: (await fetchAnswer.json()).response.allowed, policy }));
`;

test.each(['../../dist/index.js', '../../dist/function/webhook.mjs'])(
  '%s imports and answers under --disallow-code-generation-from-strings',
  async (module) => {
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--disallow-code-generation-from-strings',
      '--input-type=module',
      '-e',
      script(module),
    ]);
    expect(JSON.parse(stdout)).toEqual({ status: 200, allowed: false, policy: { ok: false, errors: ['spec.replicas.min: must be integer'] } });
  },
);

test('the flag does forbid code generation (so the test above can fail)', async () => {
  await expect(
    promisify(execFile)(process.execPath, ['--disallow-code-generation-from-strings', '-e', 'new Function("return 1")()']),
  ).rejects.toThrow(/EvalError|Code generation from strings disallowed/);
});
