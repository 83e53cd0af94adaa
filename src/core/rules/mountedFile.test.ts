import type { V1Container, V1Volume } from '@kubernetes/client-node';
import { fileOrigins, mountedConfigMaps, normalizePath } from './mountedFile.js';

const container = (volumeMounts: V1Container['volumeMounts']): V1Container => ({ name: 'redis', image: 'redis:7.2', volumeMounts });

describe('fileOrigins', () => {
  test('a configMap volume without items: each key is a file at the mount', () => {
    const volumes: V1Volume[] = [{ name: 'conf', configMap: { name: 'redis-config' } }];
    const redis = container([{ name: 'conf', mountPath: '/etc/redis/' }]);
    expect(fileOrigins('/etc/redis/redis.conf', redis, volumes)).toEqual([
      { kind: 'configMap', name: 'redis-config', key: 'redis.conf', field: 'spec.template.spec.volumes[0].configMap.name' },
    ]);
    expect(fileOrigins('/etc/redis//./sub/../redis.conf', redis, volumes)).toEqual(fileOrigins('/etc/redis/redis.conf', redis, volumes));
    // Keys hold no slash: a deeper path is no key's.
    expect(fileOrigins('/etc/redis/sub/redis.conf', redis, volumes)).toEqual([]);
    expect(fileOrigins('/usr/local/etc/redis.conf', redis, volumes)).toEqual([]);
  });

  test('a configMap volume with items: only the listed keys, at their paths', () => {
    const volumes: V1Volume[] = [
      { name: 'other', emptyDir: {} },
      { name: 'conf', configMap: { name: 'redis-config', items: [{ key: 'main', path: 'conf/redis.conf' }] } },
    ];
    const redis = container([{ name: 'conf', mountPath: '/etc/redis' }]);
    expect(fileOrigins('/etc/redis/conf/redis.conf', redis, volumes)).toEqual([
      { kind: 'configMap', name: 'redis-config', key: 'main', field: 'spec.template.spec.volumes[1].configMap.name' },
    ]);
    expect(fileOrigins('/etc/redis/main', redis, volumes)).toEqual([]);
  });

  test('a subPath mount: the file is the volume path the subPath names', () => {
    const volumes: V1Volume[] = [{ name: 'conf', configMap: { name: 'redis-config', items: [{ key: 'redis.conf', path: 'redis/main.conf' }] } }];
    expect(fileOrigins('/etc/redis.conf', container([{ name: 'conf', mountPath: '/etc/redis.conf', subPath: 'redis/main.conf' }]), volumes)).toEqual([
      { kind: 'configMap', name: 'redis-config', key: 'redis.conf', field: 'spec.template.spec.volumes[0].configMap.name' },
    ]);
    expect(fileOrigins('/etc/conf/main.conf', container([{ name: 'conf', mountPath: '/etc/conf', subPath: 'redis' }]), volumes)).toHaveLength(1);
    // subPathExpr depends on the pod: not read here.
    expect(fileOrigins('/etc/redis.conf', container([{ name: 'conf', mountPath: '/etc/redis.conf', subPathExpr: '$(POD_NAME)' }]), volumes)).toEqual([
      { kind: 'elsewhere' },
    ]);
  });

  test('a projected volume: its sources in order, a Secret source as elsewhere', () => {
    const volumes: V1Volume[] = [
      {
        name: 'conf',
        projected: {
          sources: [
            { secret: { name: 'redis-secret' } },
            { configMap: { name: 'base', items: [{ key: 'redis.conf', path: 'redis.conf' }] } },
            { configMap: { name: 'extra' } },
          ],
        },
      },
    ];
    expect(fileOrigins('/conf/redis.conf', container([{ name: 'conf', mountPath: '/conf' }]), volumes)).toEqual([
      { kind: 'elsewhere' },
      { kind: 'configMap', name: 'base', key: 'redis.conf', field: 'spec.template.spec.volumes[0].projected.sources[1].configMap.name' },
      { kind: 'configMap', name: 'extra', key: 'redis.conf', field: 'spec.template.spec.volumes[0].projected.sources[2].configMap.name' },
    ]);
  });

  test('the deepest mount wins; other kinds of volume are elsewhere', () => {
    const volumes: V1Volume[] = [
      { name: 'conf', configMap: { name: 'redis-config' } },
      { name: 'host', hostPath: { path: '/srv/redis' } },
    ];
    const redis = container([
      { name: 'conf', mountPath: '/etc/redis' },
      { name: 'host', mountPath: '/etc/redis/local' },
    ]);
    expect(fileOrigins('/etc/redis/local/redis.conf', redis, volumes)).toEqual([{ kind: 'elsewhere' }]);
    expect(fileOrigins('/etc/redis/redis.conf', redis, volumes)).toEqual([expect.objectContaining({ name: 'redis-config' })]);
    // A mount whose volume the pod does not define.
    expect(fileOrigins('/x/redis.conf', container([{ name: 'missing', mountPath: '/x' }]), volumes)).toEqual([{ kind: 'elsewhere' }]);
  });
});

test('normalizePath resolves . and .. and repeated slashes', () => {
  expect(normalizePath('//etc/./redis/../redis/redis.conf/')).toBe('/etc/redis/redis.conf');
  expect(normalizePath('/..')).toBe('/');
});

test('mountedConfigMaps: the ConfigMaps of the mounted volumes only, each once', () => {
  const volumes: V1Volume[] = [
    { name: 'a', configMap: { name: 'one' } },
    { name: 'b', projected: { sources: [{ configMap: { name: 'two' } }, { secret: { name: 's' } }, { configMap: { name: 'one' } }] } },
    { name: 'c', configMap: { name: 'not-mounted' } },
  ];
  expect(
    mountedConfigMaps(
      container([
        { name: 'a', mountPath: '/a' },
        { name: 'b', mountPath: '/b' },
      ]),
      volumes,
    ),
  ).toEqual(['one', 'two']);
});
