import type { EffectivePolicy, RuleName } from '../policy/replicationPolicy.js';
import {
  enabledLabel,
  initContainerName,
  managedByLabel,
  sentinelContainerName,
  policyAnnotation,
  userConfigAnnotation,
} from '../../wire/replicationNames.js';
import { replicaRange } from '../rules/validateReplicas.js';
import { expectedPodManagement } from '../rules/validatePodManagementPolicy.js';

// The validating half as ValidatingAdmissionPolicies (CEL, admissionregistration.k8s.io/v1, Kubernetes 1.30+):
// what the API server itself can enforce from the policies with no webhook at all, e.g. while the webhook is
// down. Only the rules CEL can say exactly; the rest stay the webhook's (see `notExpressible`).

/** The rules the generated policies check, each as the webhook checks it. */
export const expressibleRules = [
  'replicas',
  'serviceName',
  'podManagementPolicy',
  'image',
  'replicaof',
  'clusterMode',
  'tls',
] as const satisfies readonly RuleName[];

/** What the generated policies leave to the webhook, and why. */
export const notExpressible: Record<Exclude<RuleName, (typeof expressibleRules)[number]>, string> = {
  persistence: "which volumeClaimTemplate holds the data, and a config that turns persistence off, follow the container's start",
  start: "reading a container's start (entrypoints, shells, wrappers) is more than CEL's string functions",
  configFile: "which volume holds a file needs the start's reading too",
  sentinel: 'found in scripts and sidecars the way the webhook reads them',
  auth: "where a password comes from follows env references and Bitnami's env",
};

type Json = Record<string, unknown>;

/** A CEL string literal. */
const cel = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/**
 * An RE2 pattern for `imageMatches` (src/core/rules/imageReference.ts): the repository from any registry or
 * mirror, with any tag (or the one `tag` pattern given) and any digest.
 */
function imagePattern(allowed: string, tag = '[^/@]*'): string {
  const escaped = allowed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const registry = '(?:(?:[^/]*[.:][^/]*|localhost)/)?';
  const path = allowed.includes('/') ? `(?:[^@]*/)?${escaped}` : `(?:(?:[^@]*/)?library/)?${escaped}`;
  return `^${registry}${path}(?::${tag})${tag === '[^/@]*' ? '?' : ''}(?:@.*)?$`;
}

/** Tags older than Redis 6 of the images whose version the image rule checks (redisImage.ts: not valkey). */
const beforeRedis6 = ['redis', 'bitnami/redis'].map((repository) => imagePattern(repository, 'v?[0-5](?:[.-][^/@]*)?'));

const variables = [
  { name: 'containers', expression: 'object.spec.template.spec.containers' },
  // The Redis container as the webhook picks it: named redis, else valkey, else the first.
  {
    name: 'redis',
    expression:
      "variables.containers.exists(c, c.name == 'redis') ? variables.containers.filter(c, c.name == 'redis')[0] : " +
      "(variables.containers.exists(c, c.name == 'valkey') ? variables.containers.filter(c, c.name == 'valkey')[0] : variables.containers[0])",
  },
  {
    name: 'words',
    expression: "((has(variables.redis.command) ? variables.redis.command : []) + (has(variables.redis.args) ? variables.redis.args : [])).join(' ')",
  },
  // The command and arguments of the user's other containers and init containers (not the webhook's), one line each.
  {
    name: 'otherWords',
    expression:
      `((has(object.spec.template.spec.initContainers) ? object.spec.template.spec.initContainers : []) + variables.containers)` +
      `.filter(c, c.name != variables.redis.name && c.name != ${cel(initContainerName)} && c.name != ${cel(sentinelContainerName)})` +
      ".map(c, ((has(c.command) ? c.command : []) + (has(c.args) ? c.args : [])).join(' ')).join('\\n')",
  },
  {
    name: 'config',
    expression: `has(object.metadata.annotations) && ${cel(userConfigAnnotation)} in object.metadata.annotations ? object.metadata.annotations[${cel(userConfigAnnotation)}] : ''`,
  },
];

function validations(policy: EffectivePolicy): Partial<Record<(typeof expressibleRules)[number], Json>> {
  const { min, max, allowed } = replicaRange(policy);
  const podManagement = expectedPodManagement(policy);
  const replicas = '(has(object.spec.replicas) ? object.spec.replicas : 1)';
  const tag = (rule: string) => ` [rule ${rule}${policy.rules[rule as RuleName] === 'warn' ? ', warn' : ''}]`;
  const option = (names: string) => `(?i)(^|\\s)--(${names})(\\s|$)`;
  const directive = (names: string) => `(?im)^\\s*(${names})\\s`;
  return {
    replicas: {
      expression: `${replicas} >= ${min} && ${replicas} <= ${max}`,
      messageExpression: `'spec.replicas: found ' + (has(object.spec.replicas) ? string(object.spec.replicas) : 'unset (defaults to 1)') + ${cel(`; allowed ${allowed}${tag('replicas')}`)}`,
    },
    serviceName: {
      expression: "has(object.spec.serviceName) && object.spec.serviceName != ''",
      message: `spec.serviceName: found unset; allowed the name of the headless Service that gives pod 0 its DNS name${tag('serviceName')}`,
    },
    podManagementPolicy: {
      expression: `(has(object.spec.podManagementPolicy) ? object.spec.podManagementPolicy : 'OrderedReady') == ${cel(podManagement.value)}`,
      messageExpression: `'spec.podManagementPolicy: found "' + object.spec.podManagementPolicy + '"' + ${cel(`; allowed ${podManagement.allowed}${tag('podManagementPolicy')}`)}`,
    },
    image: {
      expression:
        `has(variables.redis.image) && (${policy.images.allowed.map((a) => `variables.redis.image.matches(${cel(imagePattern(a))})`).join(' || ')})` +
        ` && !(${beforeRedis6.map((p) => `variables.redis.image.matches(${cel(p)})`).join(' || ')})`,
      messageExpression: `'spec.template.spec.containers[].image: found "' + (has(variables.redis.image) ? variables.redis.image : 'unset') + '"' + ${cel(`; allowed ${policy.images.allowed.join(', ')} (any registry or mirror, tag or digest), Redis 6 or newer${tag('image')}`)}`,
    },
    replicaof: {
      expression: `!variables.words.matches(${cel(option('replicaof|slaveof'))}) && !variables.config.matches(${cel(directive('replicaof|slaveof'))}) && !variables.otherWords.matches(${cel('(?i)\\b(replicaof|slaveof)\\b')})`,
      message: `the Redis container's arguments, another container or the ${userConfigAnnotation} annotation: found replicaof/slaveof; allowed no replicaof/slaveof of your own: the webhook makes pod 0 the leader and points every other pod at it${tag('replicaof')}`,
    },
    clusterMode: {
      expression: `!variables.words.matches(${cel('(?i)--cluster-enabled\\s+"?yes')}) && !variables.config.matches(${cel('(?im)^\\s*cluster-enabled\\s+"?yes')}) && !variables.otherWords.matches(${cel('(?i)cluster-enabled|--cluster[\\s=]|\\bcluster (create|meet|addslots)\\b')})`,
      message: `the Redis container's arguments, another container or the ${userConfigAnnotation} annotation: found cluster-enabled yes; allowed standalone Redis: replication by the webhook is not Redis Cluster${tag('clusterMode')}`,
    },
    tls: {
      expression: `!variables.words.matches(${cel(option('tls-port|tls-replication|tls-cluster|tls-cert-file|tls-key-file|tls-ca-cert-file'))}) && !variables.words.matches(${cel('(?i)(^|\\s)--port\\s+"?0"?(\\s|$)')}) && !variables.config.matches(${cel(directive('tls-port|tls-replication|tls-cluster|tls-cert-file|tls-key-file|tls-ca-cert-file'))}) && !variables.config.matches(${cel('(?im)^\\s*port\\s+"?0"?\\s*$')})`,
      message: `the Redis container's arguments or the ${userConfigAnnotation} annotation: found TLS (tls-port, port 0, tls-*); allowed plain TCP: the injected replicaof, probes and verify do not speak TLS yet${tag('tls')}`,
    },
  };
}

/** Which policy governs which namespaces, as selectPolicy chooses: a policy that lists namespaces, else the first global one. */
function namespaceSelector(policy: EffectivePolicy, policies: readonly EffectivePolicy[]): Json {
  const key = 'kubernetes.io/metadata.name';
  if (policy.namespaces.length > 0) return { matchExpressions: [{ key, operator: 'In', values: [...policy.namespaces].sort() }] };
  const listed = [...new Set(policies.flatMap((p) => p.namespaces))].sort();
  return listed.length === 0 ? {} : { matchExpressions: [{ key, operator: 'NotIn', values: listed }] };
}

/**
 * ValidatingAdmissionPolicies and bindings for the policies: for every policy that governs some namespace
 * (each that lists namespaces, and the global one selectPolicy prefers), one pair for its deny rules and one
 * for its warn rules. A StatefulSet that names its policy (`redis-replication/policy`) is left to the webhook.
 * The scale subresource carries no labels, so sizes through `kubectl scale` stay the webhook's too.
 */
export function validatingAdmissionPolicies(policies: readonly EffectivePolicy[]): Json[] {
  const globals = policies.filter((p) => p.namespaces.length === 0).sort((a, b) => b.priority - a.priority || a.name.localeCompare(b.name));
  const governing = [...policies.filter((p) => p.namespaces.length > 0), ...globals.slice(0, 1)];
  return governing.flatMap((policy) => {
    const all = validations(policy);
    return (['deny', 'warn'] as const).flatMap((enforcement) => {
      const chosen = expressibleRules.filter((rule) => policy.rules[rule] === enforcement);
      if (chosen.length === 0) return [];
      const name = `redis-replication.${policy.name}${enforcement === 'warn' ? '.warn' : ''}`;
      return [
        {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'ValidatingAdmissionPolicy',
          metadata: { name, labels: { [managedByLabel.key]: managedByLabel.value } },
          spec: {
            failurePolicy: 'Fail',
            matchConstraints: {
              resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['statefulsets'] }],
              objectSelector: { matchLabels: { [enabledLabel.key]: enabledLabel.value } },
            },
            matchConditions: [
              {
                name: 'no-policy-named',
                expression: `!has(object.metadata.annotations) || !(${cel(policyAnnotation)} in object.metadata.annotations)`,
              },
            ],
            variables,
            validations: chosen.map((rule) => ({ ...all[rule], reason: 'Invalid' })),
          },
        },
        {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'ValidatingAdmissionPolicyBinding',
          metadata: { name, labels: { [managedByLabel.key]: managedByLabel.value } },
          spec: {
            policyName: name,
            validationActions: enforcement === 'deny' ? ['Deny'] : ['Warn'],
            matchResources: { namespaceSelector: namespaceSelector(policy, policies) },
          },
        },
      ];
    });
  });
}
