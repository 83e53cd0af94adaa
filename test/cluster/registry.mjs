// A read-only container registry (the pull side of the OCI distribution API) for the local node: it
// serves the images test/cluster/images.sh built, under every name a manifest may use. containerd
// sends every registry host here (test/cluster/node-up.sh writes its hosts.toml), so `redis:7.2`,
// `public.ecr.aws/docker/library/redis:7.2.7-alpine` and `valkey/valkey:8` all pull, and a name we do
// not build (bitnami/redis) is refused as a registry refuses an unknown repository.
//
//   node registry.mjs STORE PORT
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';

const [store, port] = process.argv.slice(2);
if (!store || !port) {
  console.error('usage: node registry.mjs STORE PORT');
  process.exit(2);
}

/**
 * The repositories of the images we build, as a registry path ends (Docker Hub's official images are
 * library/NAME; mirrors prefix them, e.g. public.ecr.aws's docker/library/redis; a private mirror may
 * serve them at the top, as `redis`); any other (bitnami/redis, goharbor/redis-photon) is not ours.
 */
const repositories = {
  redis: ['library/redis', 'redis'],
  valkey: ['valkey/valkey'],
  // The policy's default metrics.exporter image (src/core/policy/defaultPolicy.ts), any tag.
  'redis-exporter': ['oliver006/redis_exporter'],
  busybox: ['library/busybox', 'busybox'],
  pause: ['pause'],
  webhook: ['redis-replication-webhook/redis-replication-webhook'],
};

/** The image a repository name stands for; undefined for one we do not build. */
function imageOf(repository) {
  const matches = (path) => repository === path || (path.includes('/') && repository.endsWith(`/${path}`));
  return Object.keys(repositories).find((image) => repositories[image].some(matches));
}

const manifestType = 'application/vnd.oci.image.manifest.v1+json';

function blobPath(digest) {
  return /^sha256:[0-9a-f]{64}$/.test(digest) ? join(store, 'blobs', 'sha256', digest.slice(7)) : undefined;
}

function sendError(response, status, code, message) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ errors: [{ code, message }] }));
}

function sendBlob(request, response, digest, contentType) {
  const path = blobPath(digest);
  let size;
  try {
    size = path && statSync(path).size;
  } catch {
    size = undefined;
  }
  if (!size) return sendError(response, 404, 'BLOB_UNKNOWN', `blob unknown: ${digest}`);
  response.writeHead(200, { 'content-type': contentType, 'content-length': size, 'docker-content-digest': digest });
  if (request.method === 'HEAD') return response.end();
  createReadStream(path).pipe(response);
}

const server = createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://registry').pathname;
  if (request.method !== 'GET' && request.method !== 'HEAD') return sendError(response, 405, 'UNSUPPORTED', 'this registry is read-only');
  if (path === '/v2/' || path === '/v2') {
    response.writeHead(200, { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0' });
    return response.end('{}');
  }
  const route = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(path);
  if (!route) return sendError(response, 404, 'NOT_FOUND', `no route for ${path}`);
  const [, repository, kind, reference] = route;
  const image = imageOf(repository);
  if (!image) return sendError(response, 404, 'NAME_UNKNOWN', `repository ${repository} is not built here (test/cluster/images.sh)`);
  if (kind === 'blobs') return sendBlob(request, response, reference, 'application/octet-stream');
  // Any tag names the one image of that name; a digest must be that image's manifest.
  let digest;
  try {
    digest = readFileSync(join(store, 'names', image), 'utf8').trim();
  } catch {
    return sendError(response, 404, 'MANIFEST_UNKNOWN', `image ${image} has not been built`);
  }
  if (reference.startsWith('sha256:') && reference !== digest) return sendError(response, 404, 'MANIFEST_UNKNOWN', `manifest unknown: ${reference}`);
  return sendBlob(request, response, digest, manifestType);
});

server.listen(Number(port), '127.0.0.1', () => console.log(`registry: serving ${store} on 127.0.0.1:${port}`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
