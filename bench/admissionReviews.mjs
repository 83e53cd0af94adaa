// The AdmissionReviews the benchmark sends: shaped like what kube-apiserver sends a webhook after its
// own defaulting (defaulted container and pod fields, managedFields, userInfo, options), in three sizes.
import fastJsonPatch from 'fast-json-patch';
import { defaultPolicy, reviewAdmission } from '../dist/index.js';

const namespace = 'shop';
const time = '2026-01-15T10:00:00Z';

/** A container as it reaches the webhook: the API server has filled in its defaults. */
function container(name, image, envCount, extra = {}) {
  return {
    name,
    image,
    env: Array.from({ length: envCount }, (_, i) => ({
      name: `${name.toUpperCase().replaceAll('-', '_')}_SETTING_${i}`,
      value: `value-${i}-${'x'.repeat(24)}`,
    })),
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
    ...extra,
  };
}

function managedFields(manager, spec) {
  // FieldsV1 mirrors the object's shape with "f:" keys; a faithful copy of that size is what matters here.
  const fields = (value) =>
    Array.isArray(value)
      ? { '.': {} }
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [`f:${k}`, fields(v)]))
        : {};
  return [{ manager, operation: 'Apply', apiVersion: 'apps/v1', time, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': fields(spec) } }];
}

function statefulSet({ name, containers, volumes = [], annotations = {}, templateAnnotations = {}, podExtras = {}, lastApplied = false }) {
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'shop', 'redis-replication': 'enabled' };
  const selector = { 'app.kubernetes.io/name': name };
  const spec = {
    replicas: 3,
    serviceName: `${name}-headless`,
    selector: { matchLabels: selector },
    template: {
      metadata: { labels: { ...selector, 'app.kubernetes.io/part-of': 'shop' }, annotations: templateAnnotations },
      spec: {
        containers,
        volumes,
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        securityContext: {},
        schedulerName: 'default-scheduler',
        ...podExtras,
      },
    },
    volumeClaimTemplates: [
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } }, volumeMode: 'Filesystem' },
        status: { phase: 'Pending' },
      },
    ],
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    revisionHistoryLimit: 10,
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
  };
  const allAnnotations = lastApplied
    ? {
        ...annotations,
        'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
          apiVersion: 'apps/v1',
          kind: 'StatefulSet',
          metadata: { name, namespace, labels },
          spec,
        }),
      }
    : annotations;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {
      name,
      namespace,
      labels,
      annotations: allAnnotations,
      creationTimestamp: null,
      managedFields: managedFields('argocd-controller', spec),
    },
    spec,
    status: { replicas: 0, availableReplicas: 0 },
  };
}

function admissionReview(object, { operation = 'CREATE', oldObject } = {}) {
  const gvk = { group: 'apps', version: 'v1', kind: 'StatefulSet' };
  const gvr = { group: 'apps', version: 'v1', resource: 'statefulsets' };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: '3b1ab4e6-0c8e-4f53-9a2b-8c1f2f0d6a11',
      kind: gvk,
      resource: gvr,
      requestKind: gvk,
      requestResource: gvr,
      name: object.metadata.name,
      namespace,
      operation,
      userInfo: {
        username: 'system:serviceaccount:argocd:argocd-application-controller',
        uid: 'c5b1e5d2-8f0e-4bd8-9d55-1c2b6a0f4e77',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:argocd', 'system:authenticated'],
      },
      object,
      oldObject: oldObject ?? null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: operation === 'CREATE' ? 'CreateOptions' : 'UpdateOptions', fieldManager: 'argocd-controller' },
    },
  };
}

/** One redis container, nothing else: the README's example after API server defaulting. */
function small() {
  return admissionReview(statefulSet({ name: 'cache', containers: [container('redis', 'redis:7.2', 0)] }));
}

/** Redis with an exporter and a log shipper, env, volumes and scheduling: an UPDATE that bumps the image. */
function medium() {
  const build = (image) =>
    statefulSet({
      name: 'sessions',
      containers: [
        container('redis', image, 12, { args: ['--maxmemory', '1gb'], volumeMounts: [{ name: 'tls', mountPath: '/tls', readOnly: true }] }),
        container('exporter', 'oliver006/redis_exporter:v1.62.0', 10, { ports: [{ name: 'metrics', containerPort: 9121, protocol: 'TCP' }] }),
        container('log-shipper', 'fluent/fluent-bit:3.1', 10, { volumeMounts: [{ name: 'fluent-bit-config', mountPath: '/fluent-bit/etc' }] }),
      ],
      volumes: [
        { name: 'tls', secret: { secretName: 'sessions-tls', defaultMode: 420 } },
        { name: 'fluent-bit-config', configMap: { name: 'fluent-bit', defaultMode: 420 } },
        { name: 'scratch', emptyDir: {} },
      ],
      annotations: { 'redis-replication/config': 'maxmemory-policy allkeys-lru\nsave 900 1\n' },
      templateAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9121' },
      podExtras: {
        nodeSelector: { 'node.kubernetes.io/pool': 'stateful' },
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'stateful', effect: 'NoSchedule' }],
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: 'topology.kubernetes.io/zone',
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'sessions' } },
          },
        ],
      },
      lastApplied: true,
    });
  return admissionReview(build('redis:7.4'), { operation: 'UPDATE', oldObject: build('redis:7.2') });
}

/** About 100 KB of StatefulSet: many sidecars with long env lists, plus the last-applied annotation. */
function large() {
  const sidecars = Array.from({ length: 9 }, (_, i) => container(`sidecar-${i}`, `registry.example.com/platform/agent-${i}:1.${i}.0`, 52));
  return admissionReview(
    statefulSet({
      name: 'catalog',
      containers: [container('redis', 'valkey/valkey:8.0', 40), ...sidecars],
      volumes: Array.from({ length: 20 }, (_, i) => ({ name: `config-${i}`, configMap: { name: `catalog-config-${i}`, defaultMode: 420 } })),
      lastApplied: true,
    }),
  );
}

/** The object as the mutating webhook leaves it: what the validating webhook is sent next. */
function mutated(review) {
  const answer = reviewAdmission('mutate', review, { policies: [defaultPolicy] });
  const patch = answer.response.patch;
  if (!patch) return review;
  const ops = JSON.parse(Buffer.from(patch, 'base64').toString());
  const object = fastJsonPatch.applyPatch(structuredClone(review.request.object), ops, true, false).newDocument;
  return { ...review, request: { ...review.request, object } };
}

export const sizes = ['small', 'medium', 'large'];

/**
 * Per size: the mutate review and the validate review (of the mutated object), as the API server
 * sends them for one admission, with their JSON bodies.
 */
export function benchmarkReviews() {
  const builders = { small, medium, large };
  return Object.fromEntries(
    sizes.map((size) => {
      const mutateReview = builders[size]();
      const validateReview = mutated(mutateReview);
      return [
        size,
        {
          mutate: { review: mutateReview, body: JSON.stringify(mutateReview) },
          validate: { review: validateReview, body: JSON.stringify(validateReview) },
        },
      ];
    }),
  );
}
