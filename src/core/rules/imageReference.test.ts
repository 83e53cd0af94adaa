import { imageMatches, majorVersion } from './imageReference.js';

test.each([
  ['redis', 'redis', true],
  ['redis:7.2@sha256:0123', 'redis', true],
  ['docker.io/library/redis:7', 'redis', true],
  ['mirror.gcr.io/library/redis', 'redis', true],
  ['public.ecr.aws/docker/library/redis:7.2.7-alpine', 'redis', true],
  ['harbor.example.com/proxy/library/redis:7', 'redis', true],
  ['localhost:5000/redis', 'redis', true],
  ['someone/redis', 'redis', false],
  ['goharbor/redis-photon:v2.3.0', 'redis', false],
  ['bitnami/redis:7.2', 'bitnami/redis', true],
  ['harbor.example.com/proxy/bitnami/redis:7.2', 'bitnami/redis', true],
  ['bitnami/redis-sentinel', 'bitnami/redis', false],
  ['valkey/valkey:8', 'valkey/valkey', true],
])('%s is %s: %s', (image, allowed, expected) => {
  expect(imageMatches(image, allowed)).toBe(expected);
});

test.each([
  ['redis:7.2.4-alpine', 7],
  ['redis:5', 5],
  ['bitnami/redis:4.0.11-debian-9', 4],
  ['redis:latest', undefined],
  ['redis:alpine', undefined],
  ['redis', undefined],
  ['registry:5000/redis', undefined],
])('majorVersion(%s) is %s', (image, expected) => {
  expect(majorVersion(image)).toBe(expected);
});
