import type { Mutator } from './rule.js';
import { configDir, configFile, configVolumeName, redisPortName } from './replicationNames.js';
import { redisContainer } from './redisContainer.js';
import { dataClaimName } from './dataVolume.js';
import { passwordEnv } from './buildInitContainer.js';
import { livenessProbe, readinessProbe } from './buildProbes.js';
import { imageUser } from './imageUser.js';
import { restrictedSecurityContext } from './restrictedSecurityContext.js';

/** Wires the Redis container to the rendered config, adding only what the user left unset. */
export const redisContainerDefaults: Mutator = {
  name: 'redisContainer',
  mutate(sts, ctx) {
    const container = redisContainer(sts);
    if (!container) return;
    const { policy } = ctx;
    // Start on the rendered config unless the user chose their own command; plain `--key value`
    // args still work, as redis-server applies them after the file.
    const ownConfigFile = (container.args ?? []).some((a) => typeof a === 'string' && a.endsWith('.conf'));
    if (container.command === undefined && !ownConfigFile) container.command = ['redis-server', configFile];
    container.volumeMounts ??= [];
    const mounts = container.volumeMounts;
    if (!mounts.some((m) => m?.mountPath === configDir)) mounts.push({ name: configVolumeName, mountPath: configDir });
    const claim = dataClaimName(sts, policy.persistence.dataPath);
    if (claim !== undefined && !mounts.some((m) => m?.mountPath === policy.persistence.dataPath)) {
      mounts.push({ name: claim, mountPath: policy.persistence.dataPath });
    }
    container.env ??= [];
    const env = container.env;
    if (!env.some((e) => e?.name === 'REDIS_PORT')) env.push({ name: 'REDIS_PORT', value: String(policy.port) });
    for (const auth of passwordEnv(policy, 'REDISCLI_AUTH')) if (!env.some((e) => e?.name === auth.name)) env.push(auth);
    container.ports ??= [];
    if (!container.ports.some((p) => p?.name === redisPortName || p?.containerPort === policy.port)) {
      container.ports.push({ name: redisPortName, containerPort: policy.port, protocol: 'TCP' });
    }
    container.readinessProbe ??= readinessProbe();
    container.livenessProbe ??= livenessProbe();
    container.securityContext ??= restrictedSecurityContext(imageUser(container.image));
  },
};
