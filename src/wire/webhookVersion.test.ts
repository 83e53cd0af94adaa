import { readFileSync } from 'node:fs';
import { webhookVersion } from './webhookVersion.js';

test('the version the webhook stamps into objects is the package version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  expect(webhookVersion).toBe(pkg.version);
});
