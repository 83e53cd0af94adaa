import type { V1Service, V1StatefulSet } from '@kubernetes/client-node';
import { isDenied } from '../../core/admission/admissionDecision.js';
import type { AdmissionHandler } from '../hosting/admissionExchange.js';
import { decideAdmission, readsFor, type Endpoint, type ReviewContext } from '../../core/admission/reviewAdmission.js';
import { readConfigMaps } from '../kubernetes/configMapReads.js';
import { errorMessage } from '../../wire/errorMessage.js';
import type { EffectivePolicy } from '../../core/policy/replicationPolicy.js';
import type { ClusterReads } from '../kubernetes/clusterReads.js';
import type { WatchedObjects } from '../kubernetes/watchedObjects.js';
import { log } from '../telemetry/log.js';

/**
 * The pure core plus the reads it asks for (`readsFor`). A Scale carries no labels, so the parent
 * StatefulSet is looked up: among the watched labeled ones when that watch is in sync, else read from the
 * API (kubernetes/kubernetes#113594), where a failed read rejects, which the HTTP layer answers with 500
 * so the webhook's failurePolicy decides. The governing Service likewise comes from the watched Services
 * when they hold it; when it cannot be read, its check is left out and the failure logged. A denial that rests on
 * a watched copy is confirmed with a read, since a watch may be a moment behind. The ConfigMaps holding the
 * user's config file are read on every such review, never kept: a watch would hold every ConfigMap of the
 * cluster in memory for the few that Redis containers mount.
 */
export function admissionHandler(
  endpoint: Endpoint,
  policies: () => readonly EffectivePolicy[],
  cluster: ClusterReads,
  watched: { labeledStatefulSets?: WatchedObjects<V1StatefulSet>; services?: WatchedObjects<V1Service> } = {},
): AdmissionHandler {
  return async (review) => {
    const request = review.request!;
    const reads = readsFor(endpoint, request);
    const context: ReviewContext = { policies: policies() };
    if (reads.configMaps && cluster.configMap) {
      const { namespace, names } = reads.configMaps;
      context.configMaps = await readConfigMaps(cluster.configMap, namespace, names, (name, error) =>
        log('warn', 'ConfigMap not read; the config file it holds is left unchecked', {
          uid: request.uid,
          configMap: `${namespace}/${name}`,
          error: errorMessage(error),
        }),
      );
    }
    if (reads.parent) {
      const { namespace, name } = reads.parent;
      // The watched labeled StatefulSets answer without a round trip: a StatefulSet not among them is not ours.
      const cached = watched.labeledStatefulSets?.lookup(namespace, name);
      if (cached?.known) {
        const decision = decideAdmission(endpoint, request, cached.object ? { ...context, parent: cached.object } : context);
        // The watch may be a moment behind: a denial is confirmed with the API's own copy.
        if (!isDenied(decision)) return decision;
      }
      const parent = await cluster.statefulSet(namespace, name);
      if (parent) context.parent = parent;
    }
    if (reads.service && cluster.service) {
      const { namespace, name } = reads.service;
      const cached = watched.services?.lookup(namespace, name);
      // Only a Service the watch holds is taken from it: one missing there may have been created a moment
      // ago, in the same apply, and a denial is confirmed with the API's own copy, as for the parent.
      if (cached?.known && cached.object) {
        const decision = decideAdmission(endpoint, request, { ...context, service: cached.object });
        if (!isDenied(decision)) return decision;
      }
      await cluster.service(namespace, name).then(
        (service) => (context.service = service ?? null),
        (error: unknown) =>
          log('warn', 'governing Service not read; its check is left out', {
            uid: request.uid,
            service: `${namespace}/${name}`,
            error: errorMessage(error),
          }),
      );
    }
    return decideAdmission(endpoint, request, context);
  };
}
