// Which policies are in force when the same policy comes from several places: built-in default <
// policy files < cluster objects of the same name. And how the cluster's objects are checked.
import { checkClusterPolicies } from './checkClusterPolicies.js';
import { defaultPolicy } from './defaultPolicy.js';
import { effectivePolicy } from './effectivePolicy.js';
import { policySet } from './policySet.js';
import type { EffectivePolicy, ReplicationPolicySpec } from './replicationPolicy.js';
import { policyObject } from '../../../test/fixtures/policyObject.js';

function policy(name: string, spec: ReplicationPolicySpec = {}): EffectivePolicy {
  return effectivePolicy({ apiVersion: 'redis-replication.io/v1alpha1', kind: 'ReplicationPolicy', metadata: { name }, spec });
}

/** As the API server lists it, with metadata of its own. */
const clusterPolicy = (name: string, spec: Record<string, unknown>) => policyObject(name, spec, { resourceVersion: '7' });

const byName = (set: readonly EffectivePolicy[]) => Object.fromEntries(set.map((p) => [p.name, p]));

describe('policySet: precedence of the sources', () => {
  test('no sources: only the built-in default', () => {
    expect(policySet()).toEqual([defaultPolicy]);
    expect(policySet([])).toEqual([defaultPolicy]);
  });

  test('files add to the built-in default; a file named default replaces it', () => {
    const caches = policy('caches', { namespaces: ['caches'] });
    expect(policySet([caches])).toEqual([defaultPolicy, caches]);
    const strictDefault = policy('default', { replicas: { max: 5 } });
    expect(policySet([caches, strictDefault])).toEqual([strictDefault, caches]);
  });

  test('a cluster object replaces the file of the same name, whichever is stricter', () => {
    const fileCaches = policy('caches', { replicas: { max: 3 } });
    const clusterCaches = policy('caches', { replicas: { max: 7 } });
    const set = policySet([fileCaches, policy('batch')], [clusterCaches]);
    expect(set.map((p) => p.name)).toEqual(['default', 'caches', 'batch']);
    expect(byName(set).caches).toBe(clusterCaches);
  });

  test('built-in < files < cluster, for the default policy too', () => {
    const fileDefault = policy('default', { replicas: { max: 5 } });
    const clusterDefault = policy('default', { replicas: { max: 4 } });
    expect(policySet([fileDefault], [clusterDefault])).toEqual([clusterDefault]);
    expect(policySet([], [clusterDefault])).toEqual([clusterDefault]);
  });

  test('a policy only in the cluster is added; one only in the files stays', () => {
    const set = policySet([policy('files-only')], [policy('cluster-only')]);
    expect(set.map((p) => p.name)).toEqual(['default', 'files-only', 'cluster-only']);
  });
});

describe('checkClusterPolicies', () => {
  test('valid objects become effective policies, sorted by name, whatever metadata the API server added', () => {
    const load = checkClusterPolicies([clusterPolicy('zeta', {}), clusterPolicy('alpha', { replicas: { max: 4 } })]);
    expect(load).toEqual({ ok: true, policies: [policy('alpha', { replicas: { max: 4 } }), policy('zeta')] });
  });

  test('no objects: no cluster policies', () => {
    expect(checkClusterPolicies([])).toEqual({ ok: true, policies: [] });
  });

  test('all or nothing: one bad object refuses the set, every error named by object and field', () => {
    const load = checkClusterPolicies([
      clusterPolicy('good', {}),
      clusterPolicy('inverted', { replicas: { min: 6, max: 2 } }),
      clusterPolicy('leader', { config: { slaveof: 'x 6379' } }),
    ]);
    expect(load).toEqual({
      ok: false,
      errors: [
        'ReplicationPolicy inverted: spec.replicas: min 6 is greater than max 2',
        'ReplicationPolicy leader: spec.config.slaveof: the webhook sets the leader itself; remove this key',
      ],
    });
  });

  test('an object with no usable name is still reported', () => {
    const load = checkClusterPolicies([{ apiVersion: 'redis-replication.io/v1alpha1', kind: 'ReplicationPolicy', spec: {} }]);
    expect(load).toEqual({ ok: false, errors: ["ReplicationPolicy (unnamed): (document): must have required property 'metadata'"] });
  });
});
