// Writes the ReplicationPolicy CRD built from the policy schema. Runs on the compiled code, so build
// first: npx tsc -p . && node scripts/generate-crd.mjs
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { replicationPolicyCrdPath, replicationPolicyCrdYaml } from '../dist/core/policy/replicationPolicyCrd.js';

const target = fileURLToPath(new URL(`../${replicationPolicyCrdPath}`, import.meta.url));
writeFileSync(target, replicationPolicyCrdYaml());
process.stdout.write(`wrote ${replicationPolicyCrdPath}\n`);
