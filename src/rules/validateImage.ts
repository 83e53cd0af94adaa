import type { Validator } from './rule.js';
import { imageRepository } from './imageReference.js';
import { redisContainer } from './redisContainer.js';

export const image: Validator = {
  name: 'image',
  validate(sts, { policy }) {
    const allowed = `${policy.images.allowed.join(', ')} (any registry, tag or digest)`;
    const container = redisContainer(sts);
    if (!container) return [{ field: 'spec.template.spec.containers', found: 'no containers', allowed: `a container running ${allowed}` }];
    const field = `spec.template.spec.containers[${(sts.spec?.template?.spec?.containers ?? []).indexOf(container)}].image`;
    const value = container.image;
    if (typeof value === 'string' && policy.images.allowed.includes(imageRepository(value))) return [];
    return [{ field, found: value === undefined ? 'unset' : JSON.stringify(value), allowed }];
  },
};
