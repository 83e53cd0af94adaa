import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { floors, floorsRule } from '../../lint/floors.js';

// The floors of src/ hold: lint (lint/floors.js) refuses an import that runs up a floor or sideways to a
// folder on the same floor, and the folders of the real tree import each other in no cycle.
const src = fileURLToPath(new URL('../../src/', import.meta.url));

RuleTester.describe = describe;
RuleTester.it = it;
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });

tester.run('layout/floors', floorsRule, {
  valid: [
    { filename: join(src, 'core/rules/x.ts'), code: "import { a } from '../policy/a.js';" },
    { filename: join(src, 'core/rules/x.ts'), code: "import { a } from '../../wire/a.js';" },
    { filename: join(src, 'core/rules/x.ts'), code: "import { a } from './a.js';" },
    { filename: join(src, 'commands/serve/x.ts'), code: "const a = await import('../../edges/http/a.js');" },
    // Tests sit beside their source and may reach anything.
    { filename: join(src, 'core/rules/x.test.ts'), code: "import { a } from '../../edges/http/a.js';" },
  ],
  invalid: [
    {
      filename: join(src, 'core/rules/x.ts'),
      code: "import { a } from '../../edges/http/a.js';",
      errors: [{ message: 'src/core/rules (floor 2) imports src/edges/http (floor 11), a floor up: move what both need down, or pass it in' }],
    },
    {
      filename: join(src, 'core/policy/x.ts'),
      code: "export { a } from '../rules/a.js';",
      errors: [{ message: /a floor up/ }],
    },
    {
      filename: join(src, 'wire/x.ts'),
      code: "const a = import('../core/admission/a.js');",
      errors: [{ message: /a floor up/ }],
    },
    {
      filename: join(src, 'commands/check/x.ts'),
      code: "import { a } from '../verify/a.js';",
      errors: [{ message: 'src/commands/check imports src/commands/verify, a folder on its own floor: move what both need to a lower floor' }],
    },
    {
      filename: join(src, 'core/newFolder/x.ts'),
      code: "import { a } from '../policy/a.js';",
      errors: [{ message: "src/core/newFolder is on no floor: place it in lint/floors.js and README's Layout section" }],
    },
  ],
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

test('the folders of src/ import each other in no cycle, and each is on a floor', () => {
  const folderOf = (file: string) => relative(src, dirname(file)) || '.';
  const edges = new Map<string, Set<string>>();
  for (const file of sourceFiles(src)) {
    const from = folderOf(file);
    const targets = edges.get(from) ?? new Set<string>();
    edges.set(from, targets);
    for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/(?:from |import\()'(\.{1,2}\/[^']+)'/g)) {
      const to = folderOf(join(dirname(file), specifier));
      if (to !== from) targets.add(to);
    }
  }
  expect([...edges.keys()].filter((folder) => !floors.some((floor) => floor.includes(folder)))).toEqual([]);
  // Depth-first search; a folder met again while still on the path closes a cycle.
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (folder: string, path: string[]): void => {
    if (state.get(folder) === 'done') return;
    if (state.get(folder) === 'open') {
      cycles.push([...path.slice(path.indexOf(folder)), folder].join(' → '));
      return;
    }
    state.set(folder, 'open');
    for (const next of edges.get(folder) ?? []) visit(next, [...path, folder]);
    state.set(folder, 'done');
  };
  for (const folder of edges.keys()) visit(folder, []);
  expect(cycles).toEqual([]);
});
