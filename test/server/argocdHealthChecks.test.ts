import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

// kustomize/argocd/argocd-cm-health-checks.yaml, run as Argo CD runs health checks (test/tools/health-lua:
// gopher-lua with Argo CD's set-up) on the webhook configurations our overlays build, before and after
// cainjector, and on Applications.
const repo = fileURLToPath(new URL('../../', import.meta.url));
const checks = (parse(readFileSync(`${repo}kustomize/argocd/argocd-cm-health-checks.yaml`, 'utf8')) as { data: Record<string, string> }).data;
const scriptFor = (key: string) => {
  const script = checks[`resource.customizations.health.${key}`];
  if (script === undefined) throw new Error(`no health check for ${key}`);
  return script;
};
let runner: string;
let scriptDir: string;

type Doc = { kind: string; metadata: { name: string }; webhooks?: { name: string; clientConfig: Record<string, unknown> }[] };

beforeAll(() => {
  runner = execFileSync('bash', [`${repo}test/tools/build.sh`, 'health-lua'], { encoding: 'utf8' }).trim();
  scriptDir = mkdtempSync(join(tmpdir(), 'rrw-health-'));
}, 120_000);

function health(key: string, object: unknown): Promise<{ status: string; message: string }> {
  const file = join(scriptDir, `${key}.lua`);
  writeFileSync(file, scriptFor(key));
  return new Promise((resolve, reject) => {
    const child = execFile(runner, [file], (error, stdout, stderr) => {
      if (error) reject(new Error(`${key}: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as { status: string; message: string });
    });
    child.stdin!.end(JSON.stringify(object));
  });
}

function built(overlay: string, kind: string): Doc {
  const stdout = execFileSync('kubectl', ['kustomize', `${repo}kustomize/overlays/${overlay}`], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const doc = parseAllDocuments(stdout)
    .map((d) => d.toJS() as Doc)
    .find((d) => d.kind === kind);
  if (!doc) throw new Error(`no ${kind} in ${overlay}`);
  return doc;
}

const withCaBundle = (doc: Doc, which: (i: number) => boolean = () => true): Doc => ({
  ...doc,
  webhooks: doc.webhooks!.map((w, i) => (which(i) ? { ...w, clientConfig: { ...w.clientConfig, caBundle: 'LS0tLS1CRUdJTg==' } } : w)),
});

describe.each(['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'])('%s', (kind) => {
  const key = `admissionregistration.k8s.io_${kind}`;

  test.each(['production', 'knative'])(
    'as the %s overlay builds it: Progressing until cainjector set every caBundle, then Healthy',
    async (overlay) => {
      const applied = built(overlay, kind);
      expect(await health(key, applied)).toEqual({
        status: 'Progressing',
        message: `waiting for cert-manager's cainjector to set webhooks[0].clientConfig.caBundle (${applied.webhooks![0].name})`,
      });
      expect(await health(key, withCaBundle(applied))).toEqual({ status: 'Healthy', message: 'every webhook has its CA bundle' });
    },
  );

  test('a webhook without its bundle among others with theirs is named', async () => {
    const applied = built('production', kind);
    const missing = applied.webhooks!.length - 1;
    expect(
      await health(
        key,
        withCaBundle(applied, (i) => i !== missing),
      ),
    ).toEqual({
      status: 'Progressing',
      message: `waiting for cert-manager's cainjector to set webhooks[${missing}].clientConfig.caBundle (${applied.webhooks![missing].name})`,
    });
  });

  test('a url: webhook that cainjector does not serve needs no bundle (a publicly trusted certificate)', async () => {
    const object = {
      kind,
      metadata: { name: 'x' },
      webhooks: [{ name: 'v.example.com', clientConfig: { url: 'https://hooks.example.com/validate' } }],
    };
    expect((await health(key, object)).status).toBe('Healthy');
  });

  test('no webhooks is Degraded', async () => {
    expect(await health(key, { kind, metadata: { name: 'x' } })).toEqual({ status: 'Degraded', message: 'no webhooks' });
  });
});

describe('argoproj.io/Application', () => {
  const key = 'argoproj.io_Application';

  test('takes the health Argo CD assessed for the Application', async () => {
    const object = { kind: 'Application', metadata: { name: 'a' }, status: { health: { status: 'Degraded', message: 'Job failed' } } };
    expect(await health(key, object)).toEqual({ status: 'Degraded', message: 'Job failed' });
  });

  test('is Progressing before there is any', async () => {
    expect(await health(key, { kind: 'Application', metadata: { name: 'a' } })).toEqual({ status: 'Progressing', message: '' });
  });
});
