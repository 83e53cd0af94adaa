import { imageMatches, majorVersion } from './imageReference.js';

/**
 * What the webhook knows of the Redis images it supports: the user their files belong to, where their
 * data lives, the server binary, and whether the image's own entrypoint hands arguments to the server
 * (the docker-library images do: `args: [--appendonly, yes]` runs `redis-server --appendonly yes`).
 */
export interface RedisImage {
  family: 'redis' | 'valkey' | 'bitnami';
  user: number;
  dataDir: string;
  server: 'redis-server' | 'valkey-server';
  /** The image's entrypoint runs `args` as the server's arguments, as root handing over to `user`. */
  serverEntrypoint: boolean;
  majorVersion?: number;
}

const families = [
  { repository: 'redis', image: { family: 'redis', user: 999, dataDir: '/data', server: 'redis-server', serverEntrypoint: true } },
  { repository: 'valkey/valkey', image: { family: 'valkey', user: 999, dataDir: '/data', server: 'valkey-server', serverEntrypoint: true } },
  {
    repository: 'bitnami/redis',
    image: { family: 'bitnami', user: 1001, dataDir: '/bitnami/redis/data', server: 'redis-server', serverEntrypoint: false },
  },
] as const;

/** The supported image `image` is, from any registry or mirror; undefined for any other image. */
export function redisImage(image: unknown): RedisImage | undefined {
  if (typeof image !== 'string') return undefined;
  const found = families.find((f) => imageMatches(image, f.repository));
  if (!found) return undefined;
  const version = majorVersion(image);
  return { ...found.image, ...(version === undefined ? {} : { majorVersion: version }) };
}

/** The user a container of `image` runs as when nothing says otherwise: the image's own, 999 for unknown images. */
export function imageUser(image: unknown): number {
  return redisImage(image)?.user ?? 999;
}
