import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The admission core (src/admission, src/rules, src/policy, src/audit) is plain functions with no I/O, so any host can
// run it: no file, network or process modules, no edge folder, no Kubernetes client beyond its types.
const src = fileURLToPath(new URL('../../src/', import.meta.url));
const core = ['admission', 'rules', 'policy', 'audit'];
const edges = ['server', 'check', 'verify', 'kubernetes', 'policyFiles', 'auditor'];

test.each(core)('src/%s imports no I/O module and no edge', (folder) => {
  for (const file of readdirSync(join(src, folder)).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(join(src, folder, file), 'utf8');
    const imports = [...text.matchAll(/^import (type )?[\s\S]*? from '([^']+)';$/gm)].map((m) => ({ typeOnly: m[1] !== undefined, from: m[2] }));
    for (const { typeOnly, from } of imports) {
      const offending =
        /^node:(fs|net|http|https|child_process|dgram|tls)/.test(from) ||
        edges.some((edge) => from.startsWith(`../${edge}/`)) ||
        (from === '@kubernetes/client-node' && !typeOnly);
      expect({ file: `${folder}/${file}`, from, offending }).toEqual({ file: `${folder}/${file}`, from, offending: false });
    }
  }
});
