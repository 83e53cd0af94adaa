import type { Mutator } from './rule.js';
import { buildSentinelContainer } from './buildSentinelContainer.js';
import { sentinelContainerName } from '../../wire/replicationNames.js';
import { redisContainer } from './redisContainer.js';
import { sentinelGroup } from './sentinelGroup.js';

/**
 * Adds the Sentinel container when the policy chooses Sentinel failover, refreshes it in place (keeping
 * what the API server defaulted on it), and removes it when the policy no longer does: it is the
 * webhook's, like the init container.
 */
export const sentinelContainer: Mutator = {
  name: 'sentinelContainer',
  mutate(sts, ctx) {
    const pod = sts.spec?.template?.spec;
    const image = redisContainer(sts)?.image;
    if (!pod || !Array.isArray(pod.containers) || typeof image !== 'string') return;
    const group = sentinelGroup(sts, ctx.policy, ctx.setup);
    const existing = pod.containers.find((c) => c?.name === sentinelContainerName);
    if (!group) {
      if (existing) pod.containers = pod.containers.filter((c) => c !== existing);
      return;
    }
    const desired = buildSentinelContainer(sts, image, ctx.setup, group);
    if (existing) Object.assign(existing, desired);
    else pod.containers.push(desired);
  },
};
