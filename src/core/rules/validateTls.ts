import type { Validator } from './rule.js';
import { bitnamiRefusals } from './bitnamiEnv.js';
import { redisContainerField } from './redisContainer.js';

const allowed =
  'plain TCP: the injected replicaof, the probes and verify do not speak TLS yet; remove the TLS settings (a service mesh can encrypt the traffic), or the label';
const tlsKeys = new Set(['tls-port', 'tls-replication', 'tls-cluster', 'tls-cert-file', 'tls-key-file', 'tls-ca-cert-file']);

/** A TLS-only Redis wired for plain TCP would never replicate: refused until TLS is carried end to end. */
export const tls: Validator = {
  name: 'tls',
  validate(sts, { setup }) {
    const fromConfig = setup.config
      .filter((entry) => tlsKeys.has(entry.key) || (entry.key === 'port' && entry.value.replace(/"/g, '') === '0'))
      .map((entry) => ({ field: entry.field, found: `${entry.key} ${entry.value}`.trim(), allowed }));
    const fromEnv = setup.start?.kind === 'bitnami-env' ? bitnamiRefusals(setup.container, redisContainerField(sts), 'tls') : [];
    return [...fromConfig, ...fromEnv];
  },
};
