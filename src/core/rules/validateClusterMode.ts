import type { Validator } from './rule.js';
import { containerWords, matchingLine } from './containerWords.js';

const allowed =
  'standalone Redis: replication by the webhook is not Redis Cluster (which does not allow replicaof); remove the cluster settings, or the label';
const clusterWords = /cluster-enabled|--cluster[\s=]|\bcluster (create|meet|addslots)\b/i;

/** Redis Cluster shards and fails over by itself; a leader/follower group on top of it cannot work. */
export const clusterMode: Validator = {
  name: 'clusterMode',
  validate(sts, { setup }) {
    const fromConfig = setup.config
      .filter((entry) => entry.key === 'cluster-enabled' && /^"?yes"?$/i.test(entry.value))
      .map((entry) => ({ field: entry.field, found: `cluster-enabled ${entry.value}`, allowed }));
    const fromScripts = containerWords(sts, setup).flatMap(({ container, field, text }) => {
      const line = matchingLine(text, clusterWords);
      return line === undefined ? [] : [{ field, found: `${container} runs Redis Cluster: "${line}"`, allowed }];
    });
    return [...fromConfig, ...fromScripts];
  },
};
