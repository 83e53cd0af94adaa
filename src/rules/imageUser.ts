import { imageRepository } from './imageReference.js';

/**
 * The user a Redis image runs as, for the injected securityContext and fsGroup: the files in the image
 * and the data volume must be this user's. The official redis and valkey images use 999, Bitnami's 1001.
 */
export function imageUser(image: unknown): number {
  return typeof image === 'string' && imageRepository(image) === 'bitnami/redis' ? 1001 : 999;
}
