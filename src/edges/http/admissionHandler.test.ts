import type { V1ConfigMap, V1Service, V1StatefulSet } from '@kubernetes/client-node';
import { admissionHandler } from './admissionHandler.js';
import type { ClusterReads } from '../kubernetes/clusterReads.js';
import type { WatchedObjects } from '../kubernetes/watchedObjects.js';
import { isDenied } from '../../core/admission/admissionDecision.js';
import { defaultPolicy } from '../../core/policy/defaultPolicy.js';
import { capturedLog } from '../../../test/fixtures/capturedLog.js';
import { admissionReview, sampleStatefulSet, scaleReview } from '../../../test/fixtures/statefulSet.js';

// The handler in process, with the cluster played by maps: which reads it makes for which review, and
// what it decides from them. The same handler runs behind `serve` (test/e2e through the API server).

type Lookup = ReturnType<WatchedObjects<unknown>['lookup']>;

function watchedFrom<T>(lookup: (namespace: string, name: string) => Lookup & { object?: T }): WatchedObjects<T> {
  return { start: () => Promise.resolve(), lookup, all: () => undefined, onChange: () => () => undefined, close: () => undefined };
}

/** Reads served from the given objects, each read recorded as `kind namespace/name`. */
function clusterOf(objects: { statefulSets?: V1StatefulSet[]; services?: V1Service[]; configMaps?: V1ConfigMap[]; failing?: string[] }) {
  const reads: string[] = [];
  const find = <T extends { metadata?: { name?: string } }>(kind: string, list: T[] | undefined, namespace: string, name: string) => {
    reads.push(`${kind} ${namespace}/${name}`);
    if (objects.failing?.includes(kind)) return Promise.reject(new Error(`${kind} read failed: connection refused`));
    return Promise.resolve(list?.find((o) => o.metadata?.name === name));
  };
  const cluster: ClusterReads = {
    statefulSet: (namespace, name) => find('statefulset', objects.statefulSets, namespace, name),
    service: (namespace, name) => find('service', objects.services, namespace, name),
    configMap: (namespace, name) => find('configmap', objects.configMaps, namespace, name),
  };
  return { cluster, reads };
}

const policies = () => [defaultPolicy];
const headless: V1Service = { metadata: { name: 'cache-headless', namespace: 'default' }, spec: { clusterIP: 'None' } };

const log = capturedLog();

describe('a scale request', () => {
  test('of a StatefulSet the watch holds no labeled copy of is allowed with no read', async () => {
    const { cluster, reads } = clusterOf({});
    const labeledStatefulSets = watchedFrom<V1StatefulSet>(() => ({ known: true }));
    const decision = await admissionHandler('validate', policies, cluster, { labeledStatefulSets })(scaleReview(0, 'other'));
    expect(isDenied(decision)).toBe(false);
    expect(reads).toEqual([]);
  });

  test('refused from the watched copy is confirmed by a read, and the read decides', async () => {
    const stored = sampleStatefulSet();
    // The watch is a moment behind: it still holds the StatefulSet labeled, while the API's copy is not any more.
    const { cluster, reads } = clusterOf({ statefulSets: [{ ...stored, metadata: { ...stored.metadata, labels: {} } }] });
    const labeledStatefulSets = watchedFrom<V1StatefulSet>(() => ({ known: true, object: stored }));
    const decision = await admissionHandler('validate', policies, cluster, { labeledStatefulSets })(scaleReview(20));
    expect(reads).toEqual(['statefulset default/cache']);
    expect(isDenied(decision)).toBe(false);
  });

  test('to a size the policy refuses is refused, naming spec.replicas', async () => {
    const { cluster } = clusterOf({ statefulSets: [sampleStatefulSet()] });
    const decision = await admissionHandler('validate', policies, cluster)(scaleReview(20));
    expect(isDenied(decision)).toBe(true);
    expect(decision.findings).toContainEqual(expect.objectContaining({ field: 'spec.replicas', found: '20' }));
  });

  test('while the watch is not in sync, reads the API; a failed read rejects, so the failurePolicy decides', async () => {
    const { cluster, reads } = clusterOf({ failing: ['statefulset'] });
    const labeledStatefulSets = watchedFrom<V1StatefulSet>(() => ({ known: false }));
    await expect(admissionHandler('validate', policies, cluster, { labeledStatefulSets })(scaleReview(3))).rejects.toThrow(
      'statefulset read failed: connection refused',
    );
    expect(reads).toEqual(['statefulset default/cache']);
  });
});

describe('a labeled StatefulSet', () => {
  test('validated: its governing Service from the watch when it holds one, else read', async () => {
    const { cluster, reads } = clusterOf({ services: [headless] });
    const services = watchedFrom<V1Service>(() => ({ known: true, object: headless }));
    expect(isDenied(await admissionHandler('validate', policies, cluster, { services })(admissionReview(sampleStatefulSet())))).toBe(false);
    expect(reads).toEqual([]);
    const notWatched = await admissionHandler('validate', policies, cluster)(admissionReview(sampleStatefulSet()));
    expect(isDenied(notWatched)).toBe(false);
    expect(reads).toEqual(['service default/cache-headless']);
  });

  test('validated with a Service that is not headless: refused', async () => {
    const { cluster } = clusterOf({ services: [{ ...headless, spec: { clusterIP: '10.0.0.7', type: 'ClusterIP' } }] });
    const decision = await admissionHandler('validate', policies, cluster)(admissionReview(sampleStatefulSet()));
    expect(decision.findings).toContainEqual(expect.objectContaining({ field: 'spec.serviceName', enforcement: 'deny' }));
  });

  test("validated while the Service cannot be read: its check is left out and the failure logged with the request's uid", async () => {
    const { cluster } = clusterOf({ failing: ['service'] });
    const review = admissionReview(sampleStatefulSet());
    const decision = await admissionHandler('validate', policies, cluster)(review);
    expect(isDenied(decision)).toBe(false);
    expect(decision.findings.filter((f) => f.rule === 'serviceName')).toEqual([]);
    expect(log.text()).toContain('governing Service not read; its check is left out');
    expect(log.text()).toContain(review.request!.uid);
  });

  test('validated: the ConfigMap its start names is read, and its config file judged', async () => {
    const sts = sampleStatefulSet();
    const pod = sts.spec!.template.spec!;
    pod.containers[0].args = ['/etc/redis/redis.conf'];
    pod.containers[0].volumeMounts = [{ name: 'conf', mountPath: '/etc/redis' }];
    pod.volumes = [{ name: 'conf', configMap: { name: 'cache-conf' } }];
    const configMap: V1ConfigMap = { metadata: { name: 'cache-conf', namespace: 'default' }, data: { 'redis.conf': 'cluster-enabled yes\n' } };
    const { cluster, reads } = clusterOf({ configMaps: [configMap], services: [headless] });
    const decision = await admissionHandler('validate', policies, cluster)(admissionReview(sts));
    expect(reads).toEqual(['configmap default/cache-conf', 'service default/cache-headless']);
    expect(isDenied(decision)).toBe(true);
    expect(JSON.stringify(decision.findings)).toContain('cluster-enabled');
  });
});
