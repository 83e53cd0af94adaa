import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { admit, asTheMessagesSay, corpusDir, corpusFiles, corpusObjects, corpusTable, rulesOf } from '../fixtures/corpus.js';

// Real StatefulSets from public repositories, held to the verdicts of test/corpus/README.md.
const table = corpusTable();

test('the corpus has at least 15 files, each in the table once, each with its source', () => {
  expect(corpusFiles().length).toBeGreaterThanOrEqual(15);
  expect(table.map((row) => row.file)).toEqual(corpusFiles());
  for (const file of corpusFiles()) {
    const header = readFileSync(join(corpusDir, file), 'utf8');
    expect(header).toMatch(/^# repository: [\w.-]+\/[\w.-]+$/m);
    expect(header).toMatch(/^# path: \S+$/m);
    expect(header).toMatch(/^# commit: [0-9a-f]{40}$/m);
  }
});

describe.each(table)('$file', ({ file, asFound, asTheMessagesSay: fixed }) => {
  test('as found: the verdict and rules of the table', () => {
    expect(rulesOf(admit(corpusObjects(file)))).toEqual(asFound);
  });

  test('as the messages say (3 replicas, a headless Service): the verdict and rules of the table', () => {
    expect(rulesOf(admit(asTheMessagesSay(corpusObjects(file))))).toEqual(fixed);
  });

  test('every refusal names a field, what was found and what is allowed', () => {
    const message = admit(corpusObjects(file)).message ?? '';
    for (const line of message.split('\n').slice(1)) expect(line).toMatch(/^- (spec|metadata)\.\S*: found .+; allowed .+ \[rule \w+\]$/);
  });
});
