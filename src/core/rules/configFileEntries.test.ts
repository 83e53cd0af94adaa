import type { V1ConfigMap, V1Container, V1Volume } from '@kubernetes/client-node';
import { configFileEntries, configMapsToRead, type ConfigMaps } from './configFileEntries.js';
import { sampleStatefulSet } from '../../../test/fixtures/statefulSet.js';

const configMap = (name: string, data: Record<string, string>): V1ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });
const maps = (...list: V1ConfigMap[]): ConfigMaps => new Map(list.map((c) => [c.metadata!.name!, c]));

const volumes: V1Volume[] = [
  { name: 'conf', configMap: { name: 'redis-config' } },
  { name: 'extra', projected: { sources: [{ configMap: { name: 'redis-extra', items: [{ key: 'tls', path: 'tls.conf' }] } }] } },
  { name: 'secret', secret: { secretName: 'redis-secret' } },
];
const redis: V1Container = {
  name: 'redis',
  image: 'redis:7.2',
  volumeMounts: [
    { name: 'conf', mountPath: '/etc/redis' },
    { name: 'extra', mountPath: '/etc/redis/extra' },
    { name: 'secret', mountPath: '/etc/redis/secret' },
  ],
};

const read = (configMaps: ConfigMaps, path = '/etc/redis/redis.conf') => configFileEntries(path, redis, volumes, configMaps);

test('the directives of the file, each with the ConfigMap, key and line', () => {
  expect(read(maps(configMap('redis-config', { 'redis.conf': '# cache\nmaxmemory 200mb\n\nSAVE "" \n' })))).toEqual({
    entries: [
      { key: 'maxmemory', value: '200mb', field: 'ConfigMap redis-config key redis.conf line 2', placement: 'file' },
      { key: 'save', value: '', field: 'ConfigMap redis-config key redis.conf line 4', placement: 'file' },
    ],
    findings: [],
  });
});

test("an include is followed where it stands, into another volume's ConfigMap", () => {
  const configMaps = maps(
    configMap('redis-config', { 'redis.conf': 'port 6380\ninclude /etc/redis/extra/tls.conf\nappendonly yes' }),
    configMap('redis-extra', { tls: 'tls-port 6379\nport 0' }),
  );
  expect(read(configMaps).entries.map((e) => `${e.field}: ${e.key} ${e.value}`)).toEqual([
    'ConfigMap redis-config key redis.conf line 1: port 6380',
    'ConfigMap redis-config key redis.conf line 2: include /etc/redis/extra/tls.conf',
    'ConfigMap redis-extra key tls line 1: tls-port 6379',
    'ConfigMap redis-extra key tls line 2: port 0',
    'ConfigMap redis-config key redis.conf line 3: appendonly yes',
  ]);
});

test('an include cycle is refused, and followed once only', () => {
  const configMaps = maps(
    configMap('redis-config', {
      'redis.conf': 'include /etc/redis/a.conf',
      'a.conf': 'maxmemory 1mb\ninclude /etc/redis/b.conf',
      'b.conf': 'include /etc/redis/./a.conf',
    }),
  );
  const { entries, findings } = read(configMaps);
  expect(entries.filter((e) => e.key === 'maxmemory')).toHaveLength(1);
  expect(findings).toEqual([
    {
      field: 'ConfigMap redis-config key b.conf line 1',
      found:
        'include /etc/redis/./a.conf, which is already being read (/etc/redis/redis.conf includes /etc/redis/a.conf includes /etc/redis/b.conf includes /etc/redis/a.conf): redis-server would include it again and again until it crashes',
      allowed: 'includes that never lead back to a file being read',
    },
  ]);
});

test('a long include chain is followed only so deep', () => {
  const data: Record<string, string> = { 'redis.conf': 'include /etc/redis/f1' };
  for (let i = 1; i <= 30; i += 1) data[`f${i}`] = `maxmemory ${i}mb\ninclude /etc/redis/f${i + 1}`;
  const { entries, findings } = read(maps(configMap('redis-config', data)));
  expect(findings).toEqual([]);
  expect(entries.filter((e) => e.key === 'maxmemory').length).toBeLessThan(30);
});

test('includes not followed: a file from a Secret, a relative path, a glob, more than one argument', () => {
  const configMaps = maps(
    configMap('redis-config', {
      'redis.conf': 'include /etc/redis/secret/auth.conf\ninclude local.conf\ninclude /etc/redis/*.conf\ninclude /etc/redis/x y',
    }),
  );
  const { entries, findings } = read(configMaps);
  expect(entries.map((e) => e.key)).toEqual(['include', 'include', 'include', 'include']);
  expect(findings).toEqual([]);
});

test("a line Redis would refuse: Redis's reason, the file and the line", () => {
  expect(read(maps(configMap('redis-config', { 'redis.conf': 'maxmemory 1mb\nrequirepass "s3cret\n' }))).findings).toEqual([
    {
      field: 'ConfigMap redis-config key redis.conf line 2',
      found: '"requirepass \\"s3cret": Unbalanced quotes in configuration line (redis-server refuses to start on /etc/redis/redis.conf)',
      allowed: 'a line redis-server reads: every quote closed, and a closing quote followed by a space or the end of the line',
    },
  ]);
});

test('binaryData is read as the bytes it holds', () => {
  const binary: V1ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'redis-config' },
    binaryData: { 'redis.conf': btoa('port 7000\n') },
  };
  expect(read(maps(binary)).entries).toEqual([expect.objectContaining({ key: 'port', value: '7000' })]);
});

describe('what cannot be read', () => {
  test('a ConfigMap not looked up, or a file from elsewhere: nothing at all', () => {
    expect(read(new Map())).toEqual({ entries: [], findings: [] });
    expect(read(maps(configMap('redis-config', {})), '/etc/redis/secret/redis.conf')).toEqual({ entries: [], findings: [] });
  });

  test('a ConfigMap that does not exist: advisory, naming the volume that refers to it', () => {
    expect(read(new Map([['redis-config', null]]))).toEqual({
      entries: [],
      findings: [
        {
          field: 'spec.template.spec.volumes[0].configMap.name',
          found: 'ConfigMap redis-config, which does not exist yet, so the rules could not check /etc/redis/redis.conf',
          allowed:
            'ConfigMap redis-config created before the StatefulSet, or in the same apply; else the init container checks the file when the pod starts',
          advisory: true,
        },
      ],
    });
  });

  test('a ConfigMap without the key: advisory', () => {
    expect(read(maps(configMap('redis-config', { other: '' }))).findings).toEqual([
      expect.objectContaining({
        found:
          'ConfigMap redis-config has no key redis.conf, so the rules could not check /etc/redis/redis.conf (redis-server cannot start without it)',
        advisory: true,
      }),
    ]);
  });
});

test('configMapsToRead: the mounted ConfigMaps when the start names a config file, else none', () => {
  const sts = sampleStatefulSet();
  const container = sts.spec!.template.spec!.containers[0];
  container.volumeMounts = redis.volumeMounts;
  sts.spec!.template.spec!.volumes = volumes;
  expect(configMapsToRead(sts)).toEqual([]);
  container.args = ['/etc/redis/redis.conf'];
  expect(configMapsToRead(sts)).toEqual(['redis-config', 'redis-extra']);
});
