/**
 * The repository part of an image reference, without registry, tag or digest, with Docker Hub's
 * implicit `library/` removed: `docker.io/library/redis:7@sha256:..` is `redis`.
 */
export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0] ?? '';
  const parts = withoutDigest.split('/');
  const first = parts[0] ?? '';
  // A first component with a dot or a port, or `localhost`, is a registry host.
  if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) parts.shift();
  const last = parts.pop() ?? '';
  parts.push(last.split(':')[0] ?? '');
  if (parts.length === 2 && parts[0] === 'library') parts.shift();
  return parts.join('/');
}
