import type { ErrorObject } from 'ajv';
import { configKeyPattern } from './replicationPolicySchema.js';
import { defaultExporter, defaultPolicy } from './defaultPolicy.js';
import type { ReplicationPolicy, ReplicationPolicySpec } from './replicationPolicy.js';
import { validate as generatedValidator } from './replicationPolicyValidator.generated.js';

// ajv's validator for the schema, generated at build time (scripts/generate-policy-validator.mjs): no code
// is generated at run time, so the core runs where that is forbidden, and no start pays for compiling it.
const validateSchema = generatedValidator as unknown as ((doc: unknown) => doc is ReplicationPolicy) & { errors?: ErrorObject[] | null };

export type PolicyCheck = { ok: true; policy: ReplicationPolicy } | { ok: false; errors: string[] };

/** Checks one parsed document against the ReplicationPolicy schema and the rules a schema cannot say. */
export function validatePolicyDocument(doc: unknown): PolicyCheck {
  if (!validateSchema(doc)) return { ok: false, errors: (validateSchema.errors ?? []).map(describeError) };
  const errors: string[] = [];
  const { replicas, config, metrics } = doc.spec;
  if (replicas?.min !== undefined && replicas.max !== undefined && replicas.min > replicas.max) {
    errors.push(`spec.replicas: min ${replicas.min} is greater than max ${replicas.max}`);
  }
  for (const key of Object.keys(config ?? {})) {
    if (!configKeyPattern.test(key)) errors.push(`spec.config.${key}: not a redis.conf directive name (${configKeyPattern.source})`);
    if (key === 'replicaof' || key === 'slaveof') errors.push(`spec.config.${key}: the webhook sets the leader itself; remove this key`);
    if (key === 'requirepass' || key === 'masterauth')
      errors.push(`spec.config.${key}: passwords come from spec.auth.secretName, never from a policy`);
  }
  if (metrics?.exporter) errors.push(...exporterErrors(doc.spec));
  return errors.length ? { ok: false, errors } : { ok: true, policy: doc };
}

/**
 * An image reference as a container runtime takes it: an optional registry host (a first component with
 * a dot or a port, or localhost), a lower-case path, an optional tag and digest.
 */
const imageReference =
  /^(?:(?:(?:localhost|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+)(?::[0-9]+)?|[a-zA-Z0-9-]+:[0-9]+)\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

/**
 * The exporter's image, and its ports against the others of the pod: all containers of a pod share its
 * network, so a port taken twice leaves one of them unable to listen.
 */
function exporterErrors(spec: ReplicationPolicySpec): string[] {
  const exporter = { ...defaultExporter, ...spec.metrics?.exporter };
  const errors: string[] = [];
  if (!imageReference.test(exporter.image))
    errors.push(
      `spec.metrics.exporter.image: found ${JSON.stringify(exporter.image)}, not an image reference; ` +
        `write [registry/]repository[:tag][@sha256:digest] with a lower-case repository, e.g. ${defaultExporter.image}`,
    );
  const given = (field: 'port' | 'sentinelPort') => (spec.metrics?.exporter?.[field] === undefined ? ' (the default)' : '');
  const sentinel = (spec.failover?.mode ?? defaultPolicy.failover.mode) === 'sentinel';
  const taken = [
    { field: 'spec.port', what: 'the Redis port', port: spec.port ?? defaultPolicy.port },
    ...(sentinel
      ? [
          {
            field: 'spec.failover.sentinel.port',
            what: 'the Sentinel port',
            port: spec.failover?.sentinel?.port ?? defaultPolicy.failover.sentinel.port,
          },
        ]
      : []),
  ];
  const ours = [
    { field: 'spec.metrics.exporter.port', what: "the Redis exporter's port", port: exporter.port, given: given('port') },
    ...(sentinel
      ? [
          {
            field: 'spec.metrics.exporter.sentinelPort',
            what: "the Sentinel exporter's port",
            port: exporter.sentinelPort,
            given: given('sentinelPort'),
          },
        ]
      : []),
  ];
  for (const [i, port] of ours.entries()) {
    const clash = [...taken, ...ours.slice(0, i)].find((other) => other.port === port.port);
    if (clash)
      errors.push(
        `${port.field}: found ${port.port}${port.given}, which is also ${clash.what} (${clash.field}); ` +
          `set ${port.field} to a port no other container of the pod listens on`,
      );
  }
  return errors;
}

function describeError(error: ErrorObject): string {
  const path = error.instancePath === '' ? '(document)' : error.instancePath.slice(1).replaceAll('/', '.');
  if (error.keyword === 'additionalProperties') return `${path}: unknown field "${String(error.params.additionalProperty)}"`;
  if (error.keyword === 'enum') return `${path}: ${error.message}: ${(error.params.allowedValues as unknown[]).join(', ')}`;
  return `${path}: ${error.message ?? 'invalid'}`;
}
