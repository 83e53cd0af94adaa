import type { Validator, Violation } from './rule.js';
import { allowDataLossAnnotation } from '../../wire/replicationNames.js';
import { lastValue } from './userConfig.js';

const optOut = `for a cache that accepts data loss, annotate ${allowDataLossAnnotation}: "true" or use a policy with persistence.required: false`;

/**
 * A leader without persistent storage restarts empty, and its followers then replicate the empty
 * dataset and wipe their copies (see Redis's replication docs, "Safety of replication when master has
 * persistence turned off"). So the data directory must live on a volumeClaimTemplate (one per pod;
 * a volume every pod shares is not), and persistence must not be turned off altogether.
 */
export const persistence: Validator = {
  name: 'persistence',
  validate(sts, { policy, setup }) {
    if (!policy.persistence.required || sts.metadata?.annotations?.[allowDataLossAnnotation] === 'true') return [];
    const found: Violation[] = [];
    if (setup.dataClaim === undefined) {
      const shared = (setup.container?.volumeMounts ?? []).find((m) => m?.mountPath === setup.dataDir);
      found.push({
        field: 'spec.volumeClaimTemplates',
        found: shared
          ? `${setup.dataDir} on volume ${shared.name}, which is not a volumeClaimTemplate (not one per pod)`
          : `no volumeClaimTemplate mounted at ${setup.dataDir}`,
        allowed: `a volumeClaimTemplate for ${setup.dataDir}; ${optOut}`,
      });
    }
    const appendonly = lastValue(setup.config, 'appendonly');
    const save = lastValue(setup.config, 'save');
    if (appendonly && /^"?no"?$/i.test(appendonly.value) && save && /^(""|'')?$/.test(save.value.trim())) {
      found.push({
        field: save.field,
        found: 'appendonly no and save "": every kind of persistence off',
        allowed: `appendonly yes or a save schedule; ${optOut}`,
      });
    }
    const dir = lastValue(setup.config, 'dir');
    if (dir && dir.placement === 'arguments' && dir.value.replace(/^"|"$/g, '') !== setup.dataDir) {
      found.push({
        field: dir.field,
        found: `dir ${dir.value}, away from the data volume at ${setup.dataDir}`,
        allowed: `no --dir (the webhook sets dir ${setup.dataDir}), or mount the volumeClaimTemplate there`,
      });
    }
    return found;
  },
};
