import type { Validator } from './rule.js';
import { allowDataLossAnnotation } from './replicationNames.js';
import { dataClaimName } from './dataVolume.js';

/**
 * A leader without persistent storage restarts empty, and its followers then replicate the empty
 * dataset and wipe their copies (see Redis's replication docs, "Safety of replication when master has
 * persistence turned off"). So the data directory must live on a volumeClaimTemplate.
 */
export const persistence: Validator = {
  name: 'persistence',
  validate(sts, { policy }) {
    if (!policy.persistence.required || sts.metadata?.annotations?.[allowDataLossAnnotation] === 'true') return [];
    if (dataClaimName(sts, policy.persistence.dataPath) !== undefined) return [];
    return [
      {
        field: 'spec.volumeClaimTemplates',
        found: `no volumeClaimTemplate mounted at ${policy.persistence.dataPath}`,
        allowed: `a volumeClaimTemplate for ${policy.persistence.dataPath}; for a cache that accepts data loss, annotate ${allowDataLossAnnotation}: "true" or use a policy with persistence.required: false`,
      },
    ];
  },
};
