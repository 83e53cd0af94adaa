// The function-host bundle's cold start: in a fresh process, from the import of dist/function/webhook.mjs to
// the first answer of its Fetch handler, and from the process's spawn to that answer (what a function
// runtime adds: starting Node itself). The median of several runs.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bundle = fileURLToPath(new URL('../dist/function/webhook.mjs', import.meta.url));
const script = `
const started = performance.now();
const { createFetchHandler } = await import(${JSON.stringify(bundle)});
const review = { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'u', kind: { group: 'apps', version: 'v1', kind: 'StatefulSet' }, resource: { group: 'apps', version: 'v1', resource: 'statefulsets' }, namespace: 'default', operation: 'CREATE', object: { metadata: { name: 'cache', labels: { 'redis-replication': 'enabled' } }, spec: { replicas: 3, serviceName: 'cache-headless', selector: { matchLabels: { app: 'cache' } }, template: { metadata: { labels: { app: 'cache' } }, spec: { containers: [{ name: 'redis', image: 'redis:7.2' }] } }, volumeClaimTemplates: [{ metadata: { name: 'data' } }] } } } };
const answer = await createFetchHandler()(new Request('https://f/mutate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(review) }));
if (answer.status !== 200) throw new Error('status ' + answer.status);
process.stdout.write(JSON.stringify({ importToAnswerMs: performance.now() - started, processToAnswerMs: performance.now() }));
`;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export function functionColdStart(runs = 7) {
  const figures = [];
  for (let i = 0; i < runs; i++) {
    figures.push(
      JSON.parse(
        execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script], { encoding: 'utf8' }),
      ),
    );
  }
  return { importToAnswerMs: median(figures.map((f) => f.importToAnswerMs)), processToAnswerMs: median(figures.map((f) => f.processToAnswerMs)) };
}
