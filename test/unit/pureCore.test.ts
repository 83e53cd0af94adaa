import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// The core (src/core: policy, rules, admission, audit) and the wire types under it are plain functions with
// no I/O, so any host can run them: no file, network or process modules, no Kubernetes client beyond its
// types. That no import runs up to an edge is lint's (lint/floors.js).
const src = fileURLToPath(new URL('../../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const pure = [...sourceFiles(join(src, 'core')), ...sourceFiles(join(src, 'wire'))].map((path) => relative(src, path));

test('the core has files to check', () => {
  expect(pure.length).toBeGreaterThan(50);
});

test.each(pure)('src/%s imports no I/O module', (file) => {
  const text = readFileSync(join(src, file), 'utf8');
  const imports = [...text.matchAll(/^import (type )?[\s\S]*? from '([^']+)';$/gm)].map((m) => ({ typeOnly: m[1] !== undefined, from: m[2] }));
  for (const { typeOnly, from } of imports) {
    const offending = /^node:(fs|net|http|https|child_process|dgram|tls)/.test(from) || (from === '@kubernetes/client-node' && !typeOnly);
    expect({ from, offending }).toEqual({ from, offending: false });
  }
});
