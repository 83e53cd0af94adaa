import type { V1Container, V1SecretKeySelector, V1StatefulSet } from '@kubernetes/client-node';
import type { EffectivePolicy } from '../policy/replicationPolicy.js';
import { redisContainer, redisContainerField } from './redisContainer.js';
import type { RedisStart } from './redisStart.js';
import type { ConfigEntry } from './userConfig.js';

/**
 * Where the group's password comes from. The webhook carries a Secret reference to every member
 * (requirepass and masterauth) and to the probes (REDISCLI_AUTH), so it never copies a password.
 * A password written into the manifest itself cannot be carried that way: it is refused (auth rule).
 */
export type PasswordSource = { kind: 'secret'; ref: V1SecretKeySelector; field: string } | { kind: 'unusable'; field: string; found: string };

const reference = /^\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)$/;

/** What an env variable of the container holds, when a password is taken from it. */
function fromEnv(container: V1Container, name: string, field: string, containerField: string): PasswordSource {
  const env = container.env ?? [];
  const index = env.findIndex((e) => e?.name === name);
  const variable = env[index];
  const at = `${containerField}.env[${index}]`;
  if (variable?.valueFrom?.secretKeyRef) return { kind: 'secret', ref: variable.valueFrom.secretKeyRef, field };
  if (variable)
    return {
      kind: 'unusable',
      field: at,
      found: `the password ${variable.valueFrom ? 'from a ' + Object.keys(variable.valueFrom).join(', ') : 'written into the manifest'} (env ${name})`,
    };
  for (const source of container.envFrom ?? []) {
    const prefix = source.prefix ?? '';
    if (source.secretRef?.name && name.startsWith(prefix))
      return { kind: 'secret', ref: { name: source.secretRef.name, key: name.slice(prefix.length) }, field };
  }
  return { kind: 'unusable', field, found: `$(${name}), which no env variable of the container defines, so Redis gets it literally` };
}

/**
 * Every password the user set where the webhook can see it: `--requirepass` on the server's command
 * line (usually `$(VAR)` from a Secret), `requirepass` in the config annotation, `requirepass` or
 * `masterauth` in their config file, bitnami/redis's REDIS_PASSWORD.
 */
export function userPasswords(sts: V1StatefulSet, start: RedisStart | undefined, config: readonly ConfigEntry[]): PasswordSource[] {
  const container = redisContainer(sts);
  if (!container) return [];
  const containerField = redisContainerField(sts);
  const found: PasswordSource[] = [];
  for (const entry of config.filter((e) => e.key === 'requirepass')) {
    const name = reference.exec(entry.value)?.[1];
    if (entry.placement === 'arguments' && name !== undefined) found.push(fromEnv(container, name, entry.field, containerField));
    else if (entry.placement !== 'file')
      found.push({ kind: 'unusable', field: entry.field, found: 'a password written into the manifest (requirepass)' });
  }
  // A config file is not expanded by Kubernetes: whatever it says is the password itself, in plain sight
  // in the ConfigMap, and one the webhook cannot hand to the followers (masterauth) or the probes.
  for (const entry of config.filter((e) => e.placement === 'file' && (e.key === 'requirepass' || e.key === 'masterauth'))) {
    found.push({ kind: 'unusable', field: entry.field, found: `a password written into a ConfigMap (${entry.key})` });
  }
  if (start?.kind === 'bitnami-env' && (container.env ?? []).some((e) => e?.name === 'REDIS_PASSWORD')) {
    found.push(fromEnv(container, 'REDIS_PASSWORD', `${containerField}.env`, containerField));
  }
  return found;
}

/** The password the group runs with: the user's own when they set one, else the policy's Secret, else none. */
export function groupPassword(user: readonly PasswordSource[], policy: EffectivePolicy): Extract<PasswordSource, { kind: 'secret' }> | undefined {
  const own = user.find((p): p is Extract<PasswordSource, { kind: 'secret' }> => p.kind === 'secret');
  if (own) return own;
  return policy.auth ? { kind: 'secret', ref: { name: policy.auth.secretName, key: policy.auth.secretKey }, field: 'policy auth' } : undefined;
}
