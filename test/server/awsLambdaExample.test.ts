import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// examples/aws-lambda: the SAM template passes AWS's own linter (cfn-lint, from PyPI; test/prepare.sh installs
// it), and the handler it names answers a function URL event with the bundle beside it, as deployed.
const example = fileURLToPath(new URL('../../examples/aws-lambda/', import.meta.url));
const bundle = fileURLToPath(new URL('../../dist/function/webhook.mjs', import.meta.url));

test('the template passes cfn-lint', async () => {
  // cfn-lint's console script, run through python3 so a fresh pip install needs no PATH change.
  const cfnLint = 'import sys; from cfnlint.runner import main; sys.argv[0] = "cfn-lint"; sys.exit(main())';
  const { stdout } = await promisify(execFile)('python3', ['-c', cfnLint, join(example, 'template.yaml')]);
  expect(stdout).toBe('');
});

test('the handler answers a function URL event', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rrw-lambda-'));
  copyFileSync(join(example, 'handler.mjs'), join(dir, 'handler.mjs'));
  copyFileSync(bundle, join(dir, 'webhook.mjs'));
  copyFileSync(join(bundle, '..', 'policies.mjs'), join(dir, 'policies.mjs'));
  const { handler } = (await import(join(dir, 'handler.mjs'))) as { handler: (event: unknown) => Promise<{ statusCode: number; body: string }> };
  const review = {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'u1',
      kind: { group: 'apps', version: 'v1', kind: 'StatefulSet' },
      resource: { group: 'apps', version: 'v1', resource: 'statefulsets' },
      operation: 'CREATE',
      object: { metadata: { name: 'cache', labels: { 'redis-replication': 'enabled' } }, spec: { replicas: 40 } },
    },
  };
  const answer = await handler({
    rawPath: '/validate',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(review),
    requestContext: { http: { method: 'POST' } },
  });
  expect(answer.statusCode).toBe(200);
  expect(JSON.parse(answer.body).response).toMatchObject({ uid: 'u1', allowed: false });
});
