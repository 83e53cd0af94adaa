import type { ErrorObject } from 'ajv';
import { configKeyPattern } from './replicationPolicySchema.js';
import type { ReplicationPolicy } from './replicationPolicy.js';
import { validate as generatedValidator } from './replicationPolicyValidator.generated.js';

// ajv's validator for the schema, generated at build time (scripts/generate-policy-validator.mjs): no code
// is generated at run time, so the core runs where that is forbidden, and no start pays for compiling it.
const validateSchema = generatedValidator as unknown as ((doc: unknown) => doc is ReplicationPolicy) & { errors?: ErrorObject[] | null };

export type PolicyCheck = { ok: true; policy: ReplicationPolicy } | { ok: false; errors: string[] };

/** Checks one parsed document against the ReplicationPolicy schema and the rules a schema cannot say. */
export function validatePolicyDocument(doc: unknown): PolicyCheck {
  if (!validateSchema(doc)) return { ok: false, errors: (validateSchema.errors ?? []).map(describeError) };
  const errors: string[] = [];
  const { replicas, config } = doc.spec;
  if (replicas?.min !== undefined && replicas.max !== undefined && replicas.min > replicas.max) {
    errors.push(`spec.replicas: min ${replicas.min} is greater than max ${replicas.max}`);
  }
  for (const key of Object.keys(config ?? {})) {
    if (!configKeyPattern.test(key)) errors.push(`spec.config.${key}: not a redis.conf directive name (${configKeyPattern.source})`);
    if (key === 'replicaof' || key === 'slaveof') errors.push(`spec.config.${key}: the webhook sets the leader itself; remove this key`);
    if (key === 'requirepass' || key === 'masterauth')
      errors.push(`spec.config.${key}: passwords come from spec.auth.secretName, never from a policy`);
  }
  return errors.length ? { ok: false, errors } : { ok: true, policy: doc };
}

function describeError(error: ErrorObject): string {
  const path = error.instancePath === '' ? '(document)' : error.instancePath.slice(1).replaceAll('/', '.');
  if (error.keyword === 'additionalProperties') return `${path}: unknown field "${String(error.params.additionalProperty)}"`;
  if (error.keyword === 'enum') return `${path}: ${error.message}: ${(error.params.allowedValues as unknown[]).join(', ')}`;
  return `${path}: ${error.message ?? 'invalid'}`;
}
