import type { V1Container } from '@kubernetes/client-node';
import type { Mutator } from './rule.js';
import { buildExporterContainer, isRedisExporterImage, type ExporterTarget } from './buildExporterContainer.js';
import {
  exporterAddressEnv,
  exporterContainerName,
  exporterPortName,
  sentinelExporterContainerName,
  sentinelExporterPortName,
} from '../../wire/replicationNames.js';
import { sameResources } from './quantity.js';
import { redisContainer } from './redisContainer.js';
import { sentinelGroup } from './sentinelGroup.js';

/**
 * The local port a user's own exporter scrapes: from its REDIS_ADDR or --redis.addr, else
 * redis_exporter's default (redis://localhost:6379).
 */
function scrapedPort(container: V1Container): number {
  const args = container.args ?? [];
  const flag = args.findIndex((a) => typeof a === 'string' && /^--?redis\.addr(=|$)/.test(a));
  const address =
    flag >= 0
      ? args[flag].includes('=')
        ? args[flag].slice(args[flag].indexOf('=') + 1)
        : args[flag + 1]
      : container.env?.find((e) => e?.name === exporterAddressEnv)?.value;
  const port = /:(\d+)(?:\/\d*)?$/.exec(address ?? '')?.[1];
  return port === undefined ? 6379 : Number(port);
}

/**
 * Adds a redis_exporter beside each member's Redis, and with Sentinel failover one beside its Sentinel,
 * when the policy sets `metrics.exporter`; refreshes them in place (keeping what the API server
 * defaulted on them, and its spelling of the same resource amounts), and removes them when the policy
 * no longer asks for them. A redis_exporter of the user's own (any container of a redis_exporter image)
 * is left as it is and takes the place of the webhook's for what it scrapes: the Sentinel when it
 * scrapes the Sentinel's port, else the Redis.
 */
export const exporterContainers: Mutator = {
  name: 'exporterContainers',
  mutate(sts, ctx) {
    const pod = sts.spec?.template?.spec;
    const redis = redisContainer(sts);
    // Without a Redis container, an exporter added would become the first container, taken for the Redis one.
    if (!pod || !Array.isArray(pod.containers) || !redis) return;
    const exporter = ctx.policy.metrics.exporter;
    const group = sentinelGroup(sts, ctx.policy, ctx.setup);
    const ours = [exporterContainerName, sentinelExporterContainerName];
    const scraped = pod.containers
      .filter((c) => typeof c === 'object' && c !== null && c !== redis && !ours.includes(c.name) && isRedisExporterImage(c.image))
      .map((c) => (group && scrapedPort(c) === group.port ? 'sentinel' : 'redis'));
    const wanted: (ExporterTarget | undefined)[] = [
      exporter && !scraped.includes('redis')
        ? { name: exporterContainerName, portName: exporterPortName, port: exporter.port, scrapes: ctx.setup.port }
        : undefined,
      exporter && group && !scraped.includes('sentinel')
        ? { name: sentinelExporterContainerName, portName: sentinelExporterPortName, port: exporter.sentinelPort, scrapes: group.port }
        : undefined,
    ];
    for (const [i, name] of ours.entries()) {
      const target = wanted[i];
      const existing = pod.containers.find((c) => c?.name === name);
      if (!exporter || !target) {
        if (existing) pod.containers = pod.containers.filter((c) => c !== existing);
        continue;
      }
      const desired = buildExporterContainer(sts, ctx.setup, exporter, target);
      if (!existing) pod.containers.push(desired);
      else Object.assign(existing, desired, sameResources(existing.resources, desired.resources) ? { resources: existing.resources } : {});
    }
  },
};
