// Prints the webhook configurations from webhook/ with clientConfig pointed at a local URL and CA, for
// `kubectl apply -f -`. Only clientConfig changes (and cert-manager's inject annotation, which would
// otherwise fight over the caBundle), so the cluster tests exercise the manifests the deployment ships.
// Usage: node test/cluster/register-webhook.mjs https://127.0.0.1:PORT CA_FILE
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, stringify } from 'yaml';

const [baseUrl, caFile] = process.argv.slice(2);
if (!baseUrl || !caFile) {
  process.stderr.write('usage: register-webhook.mjs https://127.0.0.1:PORT CA_FILE\n');
  process.exit(2);
}
const caBundle = readFileSync(caFile).toString('base64');
const files = ['mutating-webhook-configuration.yaml', 'validating-webhook-configuration.yaml'];
const out = [];
for (const file of files) {
  const text = readFileSync(fileURLToPath(new URL(`../../webhook/${file}`, import.meta.url)), 'utf8');
  for (const doc of parseAllDocuments(text)) {
    const config = doc.toJS();
    if (!config) continue;
    delete config.metadata.annotations?.['cert-manager.io/inject-ca-from'];
    for (const webhook of config.webhooks) {
      webhook.clientConfig = { url: `${baseUrl}${webhook.clientConfig.service.path}`, caBundle };
    }
    out.push(stringify(config));
  }
}
process.stdout.write(out.join('---\n'));
