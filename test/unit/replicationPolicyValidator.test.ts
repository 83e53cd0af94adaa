import { readFileSync } from 'node:fs';
// @ts-expect-error the generator is a plain script (no types); it reads the schema from dist/, which the tests build first
import { generatedFile, generatedValidator } from '../../scripts/generate-policy-validator.mjs';

test('the committed validator is what the schema generates now (npm run generate:validator after a schema change)', () => {
  expect(readFileSync(generatedFile as string, 'utf8')).toBe((generatedValidator as () => string)());
});
