import type { Validator } from './rule.js';
import { imageMatches, tagVersion } from './imageReference.js';
import { redisContainer, redisContainerField } from './redisContainer.js';
import { redisImage } from './redisImage.js';

/** Redis 6.0 is the oldest release with what the injected config and probes use (`replicaof`, `REDISCLI_AUTH`). */
const oldestMajor = 6;

export const image: Validator = {
  name: 'image',
  validate(sts, { policy }) {
    const examples = 'any registry or mirror, tag or digest: e.g. redis:7.2, public.ecr.aws/docker/library/redis, mirror.example.com/bitnami/redis';
    const allowed = `${policy.images.allowed.join(', ')} (${examples})`;
    const container = redisContainer(sts);
    if (!container) return [{ field: 'spec.template.spec.containers', found: 'no containers', allowed: `a container running ${allowed}` }];
    const field = `${redisContainerField(sts)}.image`;
    const value = container.image;
    if (typeof value !== 'string' || !policy.images.allowed.some((entry) => imageMatches(value, entry))) {
      return [{ field, found: value === undefined ? 'unset' : JSON.stringify(value), allowed }];
    }
    const known = redisImage(value);
    if (known && known.family !== 'valkey' && known.majorVersion !== undefined && known.majorVersion < oldestMajor) {
      return [
        {
          field,
          found: `${JSON.stringify(value)} (Redis ${known.majorVersion})`,
          allowed: `Redis ${oldestMajor} or newer: the injected replicaof and probes need it`,
        },
      ];
    }
    // Sentinel resolves and announces hostnames, and takes ACL users, from 6.2 on.
    const version = tagVersion(value);
    if (
      policy.failover.mode === 'sentinel' &&
      known?.family !== 'valkey' &&
      version?.major === 6 &&
      version.minor !== undefined &&
      version.minor < 2
    ) {
      return [
        {
          field,
          found: `${JSON.stringify(value)} (Redis ${version.major}${version.minor === undefined ? '' : `.${version.minor}`})`,
          allowed: 'Redis 6.2 or newer with failover.mode sentinel: its Sentinels announce DNS names and take ACL users',
        },
      ];
    }
    return [];
  },
};
