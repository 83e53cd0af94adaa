import type { Mutator } from './rule.js';
import { buildInitContainer } from './buildInitContainer.js';
import { initContainerName } from '../../wire/replicationNames.js';
import { redisContainer } from './redisContainer.js';

/**
 * Appends the role-deciding init container after the user's own (their order is theirs), or refreshes
 * it in place: it belongs to the webhook, so a policy or config change reaches it on the next update.
 * Fields the API server defaulted on it (imagePullPolicy, terminationMessagePath) are kept.
 */
export const initContainer: Mutator = {
  name: 'initContainer',
  mutate(sts, ctx) {
    const pod = sts.spec?.template?.spec;
    const image = redisContainer(sts)?.image;
    if (!pod || typeof image !== 'string') return;
    const desired = buildInitContainer(sts, image, ctx.namespace, ctx.policy, ctx.setup);
    pod.initContainers ??= [];
    const existing = pod.initContainers.find((c) => c?.name === initContainerName);
    if (existing) Object.assign(existing, desired);
    else pod.initContainers.push(desired);
  },
};
