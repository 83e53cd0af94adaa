import type { V1Container } from '@kubernetes/client-node';
import type { Mutator } from './rule.js';
import { cliPasswordEnv, configDir, configFile, configVolumeName, portEnv, redisPortName } from '../../wire/replicationNames.js';
import { redisContainer } from './redisContainer.js';
import { passwordVariable } from './buildInitContainer.js';
import { livenessProbe, readinessProbe } from './buildProbes.js';
import { imageUser } from './redisImage.js';
import type { RedisSetup } from './redisSetup.js';
import { restrictedSecurityContext } from './restrictedSecurityContext.js';

/**
 * Points the server at the rendered config, keeping the user's own arguments after it (redis-server
 * applies them last) and their config file included by the rendered one. Through the image's
 * entrypoint when the user started it that way (it hands over from root to the image's user), else
 * with the server as the command. Starts the webhook does not understand are left to the start rule.
 */
function wireStart(container: V1Container, setup: RedisSetup): void {
  const start = setup.start;
  if (start?.kind === 'bitnami-env') {
    // bitnami/redis's entrypoint would configure Redis from env; the rendered config carries that env instead.
    container.command = [setup.image?.server ?? 'redis-server'];
    container.args = [configFile];
    return;
  }
  if (start?.kind !== 'server' || start.wired) return;
  if (!container.command?.length) container.args = [...(start.server === undefined ? [] : [start.server]), configFile, ...start.rest];
  else {
    container.command = [start.server ?? setup.image?.server ?? 'redis-server'];
    container.args = [configFile, ...start.rest];
  }
}

/** Wires the Redis container to the rendered config, adding only what the user left unset. */
export const redisContainerDefaults: Mutator = {
  name: 'redisContainer',
  mutate(sts, { setup }) {
    const container = redisContainer(sts);
    if (!container) return;
    wireStart(container, setup);
    container.volumeMounts ??= [];
    const mounts = container.volumeMounts;
    if (!mounts.some((m) => m?.mountPath === configDir)) mounts.push({ name: configVolumeName, mountPath: configDir });
    if (setup.dataClaim !== undefined && !mounts.some((m) => m?.mountPath === setup.dataDir))
      mounts.push({ name: setup.dataClaim, mountPath: setup.dataDir });
    container.env ??= [];
    const env = container.env;
    if (!env.some((e) => e?.name === portEnv)) env.push({ name: portEnv, value: String(setup.port) });
    for (const auth of passwordVariable(setup, cliPasswordEnv)) if (!env.some((e) => e?.name === auth.name)) env.push(auth);
    container.ports ??= [];
    if (!container.ports.some((p) => p?.name === redisPortName || p?.containerPort === setup.port)) {
      container.ports.push({ name: redisPortName, containerPort: setup.port, protocol: 'TCP' });
    }
    container.readinessProbe ??= readinessProbe();
    container.livenessProbe ??= livenessProbe();
    container.securityContext ??= restrictedSecurityContext(imageUser(container.image), sts.spec?.template?.spec?.securityContext);
  },
};
