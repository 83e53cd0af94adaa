/** An image reference taken apart: `registry.example.com/proxy/library/redis:7.2@sha256:..`. */
export interface ImageReference {
  /** The path without registry, tag or digest: `proxy/library/redis`. */
  path: string;
  /** The tag, when there is one: `7.2`. */
  tag?: string;
}

export function parseImage(image: string): ImageReference {
  const withoutDigest = image.split('@')[0] ?? '';
  const parts = withoutDigest.split('/');
  const first = parts[0] ?? '';
  // A first component with a dot or a port, or `localhost`, is a registry host.
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) parts.shift();
  const last = parts.pop() ?? '';
  const [name = '', tag] = last.split(':');
  return { path: [...parts, name].join('/'), ...(tag === undefined ? {} : { tag }) };
}

/**
 * Whether `image` is the repository `allowed` names, from any registry or mirror. Docker Hub's official
 * images live under `library/`, which registries and mirrors spell out (`mirror.gcr.io/library/redis`,
 * `public.ecr.aws/docker/library/redis`, a proxy project's `proxy/library/redis`): a one-word entry
 * matches a path that is that word or ends in `library/<word>`. An entry with a namespace
 * (`bitnami/redis`) matches that path, also below a mirror's prefix (`proxy/bitnami/redis`).
 */
export function imageMatches(image: string, allowed: string): boolean {
  const { path } = parseImage(image);
  if (path === allowed) return true;
  return allowed.includes('/') ? path.endsWith(`/${allowed}`) : path === `library/${allowed}` || path.endsWith(`/library/${allowed}`);
}

/** The leading number of the tag (`7` of `7.2.4-alpine`), or undefined for tags such as `latest` and `alpine`. */
/** The tag's major.minor (`6.0.20-alpine`: [6, 0]); minor absent when the tag names only the major. */
export function tagVersion(image: string): { major: number; minor?: number } | undefined {
  const match = /^v?(\d+)(?:\.(\d+))?(?:[.-]|$)/.exec(parseImage(image).tag ?? '');
  if (!match) return undefined;
  return { major: Number(match[1]), ...(match[2] === undefined ? {} : { minor: Number(match[2]) }) };
}

export function majorVersion(image: string): number | undefined {
  const match = /^v?(\d+)(?:[.-]|$)/.exec(parseImage(image).tag ?? '');
  return match ? Number(match[1]) : undefined;
}
