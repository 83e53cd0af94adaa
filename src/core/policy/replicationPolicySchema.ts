// The JSON Schema of a ReplicationPolicy. It is kept to the structural subset that a CRD's
// openAPIV3Schema accepts (no $ref, no patternProperties, types on every node), so the same object can
// become the CRD schema.

const enforcement = { type: 'string', enum: ['deny', 'warn'] } as const;
const configKey = '^[a-z][a-z0-9-]*$';
// A Kubernetes quantity in the forms people write (100m, 0.5, 64Mi, 1G); the API server accepts more.
const quantity = { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$' } as const;
const quantities = { type: 'object', additionalProperties: false, properties: { cpu: quantity, memory: quantity } } as const;

export const replicationPolicySchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { type: 'string', enum: ['redis-replication.io/v1alpha1'] },
    kind: { type: 'string', enum: ['ReplicationPolicy'] },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 } },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      properties: {
        namespaces: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 63 } },
        priority: { type: 'integer', minimum: -1000, maximum: 1000 },
        replicas: {
          type: 'object',
          additionalProperties: false,
          properties: { min: { type: 'integer', minimum: 1 }, max: { type: 'integer', minimum: 1, maximum: 1000 } },
        },
        images: {
          type: 'object',
          additionalProperties: false,
          properties: { allowed: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } } },
        },
        persistence: {
          type: 'object',
          additionalProperties: false,
          properties: { required: { type: 'boolean' }, dataPath: { type: 'string', pattern: '^/' } },
        },
        antiAffinity: { type: 'string', enum: ['preferred', 'required', 'none'] },
        // Not an admission rule: a PodDisruptionBudget may come after the StatefulSet in the same apply.
        // check and the audit report a group none selects.
        disruptionBudget: { type: 'string', enum: ['required', 'recommended', 'off'] },
        config: {
          type: 'object',
          // Keys are redis.conf directives; the property-name rule is checked in code (CRDs cannot express it).
          // One line each: a newline would smuggle extra directives (even replicaof) into redis.conf.
          additionalProperties: { type: 'string', pattern: '^[^\\r\\n]*$' },
        },
        auth: {
          type: 'object',
          additionalProperties: false,
          required: ['secretName'],
          properties: { secretName: { type: 'string', minLength: 1 }, secretKey: { type: 'string', minLength: 1 } },
        },
        port: { type: 'integer', minimum: 1, maximum: 65535 },
        clusterDomain: { type: 'string', minLength: 1 },
        leaderWaitSeconds: { type: 'integer', minimum: 0, maximum: 3600 },
        failover: {
          type: 'object',
          additionalProperties: false,
          properties: {
            mode: { type: 'string', enum: ['none', 'sentinel'] },
            sentinel: {
              type: 'object',
              additionalProperties: false,
              properties: {
                downAfterMilliseconds: { type: 'integer', minimum: 100, maximum: 600000 },
                failoverTimeoutMilliseconds: { type: 'integer', minimum: 1000, maximum: 3600000 },
                quorum: { type: 'integer', minimum: 1, maximum: 1000 },
                port: { type: 'integer', minimum: 1, maximum: 65535 },
              },
            },
          },
        },
        metrics: {
          type: 'object',
          additionalProperties: false,
          properties: {
            // Present, even empty: a redis_exporter beside every member (and its Sentinel); absent: none.
            // The image reference and the ports' collisions are checked in code (validatePolicyDocument).
            exporter: {
              type: 'object',
              additionalProperties: false,
              properties: {
                image: { type: 'string', minLength: 1 },
                port: { type: 'integer', minimum: 1, maximum: 65535 },
                sentinelPort: { type: 'integer', minimum: 1, maximum: 65535 },
                resources: { type: 'object', additionalProperties: false, properties: { requests: quantities, limits: quantities } },
              },
            },
          },
        },
        rules: {
          type: 'object',
          additionalProperties: false,
          properties: {
            replicas: enforcement,
            serviceName: enforcement,
            podManagementPolicy: enforcement,
            image: enforcement,
            replicaof: enforcement,
            persistence: enforcement,
            start: enforcement,
            configFile: enforcement,
            clusterMode: enforcement,
            sentinel: enforcement,
            tls: enforcement,
            auth: enforcement,
          },
        },
      },
    },
  },
} as const;

export const configKeyPattern = new RegExp(configKey);
