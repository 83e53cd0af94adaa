import type { V1StatefulSet } from '@kubernetes/client-node';
import { defaultPolicy } from '../policy/defaultPolicy.js';
import { failoverEnv, initContainerName, sentinelMasterEnv, sentinelPortEnv } from '../../wire/replicationNames.js';

/** An environment value the webhook set on its init container in the pod template: a record of what it wired. */
export function wiredEnv(sts: V1StatefulSet, name: string): string | undefined {
  const init = sts.spec?.template?.spec?.initContainers?.find((c) => c?.name === initContainerName);
  return init?.env?.find((e) => e?.name === name)?.value;
}

/**
 * The Sentinels of a StatefulSet the webhook wired for Sentinel failover: their port, and their name for
 * the group's master. Undefined when it is not wired for Sentinel: then pod 0 leads.
 */
export function wiredSentinel(sts: V1StatefulSet): { masterName: string; port: number } | undefined {
  if (wiredEnv(sts, failoverEnv) !== 'sentinel') return undefined;
  const port = Number(wiredEnv(sts, sentinelPortEnv));
  return {
    masterName: wiredEnv(sts, sentinelMasterEnv) ?? sts.metadata?.name ?? '',
    port: Number.isInteger(port) && port > 0 ? port : defaultPolicy.failover.sentinel.port,
  };
}
