import type { V1StatefulSet } from '@kubernetes/client-node';
import fastJsonPatch from 'fast-json-patch';
import { admitStatefulSet } from '../../commands/check/admitStatefulSet.js';
import { defaultPolicy } from '../policy/defaultPolicy.js';
import type { ConfigMaps } from './configFileEntries.js';
import { sampleStatefulSet } from '../../../test/fixtures/statefulSet.js';

// Each rule of src/core/rules/ruleChain.ts on the manifest forms it exists for, through mutation and validation
// as the API server runs them: the rule named, the field, what was found and what to do instead.
const headless = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'cache-headless' }, spec: { clusterIP: 'None' } };

function denial(edit: (sts: V1StatefulSet) => void): string {
  const sts = sampleStatefulSet();
  edit(sts);
  const admission = admitStatefulSet(sts, 'default', [defaultPolicy], { service: headless });
  return admission.allowed
    ? `allowed${admission.warnings.length > 0 ? ` with warnings:\n${admission.warnings.join('\n')}` : ''}`
    : admission.message!;
}

const redis = (sts: V1StatefulSet) => sts.spec!.template.spec!.containers[0];

test.each<[string, (sts: V1StatefulSet) => void, string[]]>([
  [
    'a shell script start, with the exec form in the message',
    (s) => (redis(s).command = ['sh', '-c', 'exec redis-server --requirepass "$PW" --appendonly yes']),
    [
      'spec.template.spec.containers[0].command[0]: found container redis starts a shell script',
      'allowed the same start without the shell: command: [redis-server], args: [--requirepass, $(PW), --appendonly, yes] [rule start]',
    ],
  ],
  [
    'a config file on no volume of the Redis container',
    (s) => (redis(s).args = ['/usr/local/etc/redis/redis.conf']),
    [
      'spec.template.spec.containers[0].args[0]: found container redis reads /usr/local/etc/redis/redis.conf, which is on none of its volumes',
      'mountPath /usr/local/etc/redis [rule configFile]',
    ],
  ],
  [
    'replicaof in the arguments',
    (s) => (redis(s).args = ['--replicaof', 'other', '6379']),
    ['spec.template.spec.containers[0].args[0]: found replicaof other 6379', '[rule replicaof]'],
  ],
  [
    'an init container that writes slaveof',
    (s) =>
      (s.spec!.template.spec!.initContainers = [
        { name: 'conf', image: 'busybox', command: ['sh', '-c', 'echo "slaveof redis-0 6379" >> /c/redis.conf'] },
      ]),
    [
      'spec.template.spec.initContainers[0]: found initContainers[0] (conf) decides roles itself: "sh -c echo "slaveof redis-0 6379" >> /c/redis.conf"',
      '[rule replicaof]',
    ],
  ],
  ['Redis Cluster by argument', (s) => (redis(s).args = ['--cluster-enabled', 'yes']), ['found cluster-enabled yes', '[rule clusterMode]']],
  [
    'a Sentinel sidecar',
    (s) => s.spec!.template.spec!.containers.push({ name: 'sentinel', image: 'redis:7.2', command: ['redis-sentinel', '/s/sentinel.conf'] }),
    ['spec.template.spec.containers[1]: found containers[1] (sentinel) runs or asks a Sentinel', '[rule sentinel]'],
  ],
  ['TLS only', (s) => (redis(s).args = ['--port', '0', '--tls-port', '6379']), ['found port 0', 'found tls-port 6379', '[rule tls]']],
  [
    'a password written into the manifest',
    (s) => (redis(s).args = ['--requirepass', 's3cret']),
    [
      'spec.template.spec.containers[0].args[0]: found a password written into the manifest (requirepass)',
      'env REDIS_PASSWORD with valueFrom.secretKeyRef',
      '[rule auth]',
    ],
  ],
  [
    'a password from a literal env variable',
    (s) => Object.assign(redis(s), { args: ['--requirepass', '$(PW)'], env: [{ name: 'PW', value: 's3cret' }] }),
    ['spec.template.spec.containers[0].env[0]: found the password written into the manifest (env PW)', '[rule auth]'],
  ],
  [
    'bitnami/redis without a password or ALLOW_EMPTY_PASSWORD',
    (s) => (redis(s).image = 'bitnami/redis:7.2'),
    ['found neither REDIS_PASSWORD nor ALLOW_EMPTY_PASSWORD=yes (bitnami/redis would refuse to start)', '[rule auth]'],
  ],
  [
    'bitnami/redis with its own replication env',
    (s) =>
      Object.assign(redis(s), {
        image: 'bitnami/redis:7.2',
        env: [
          { name: 'ALLOW_EMPTY_PASSWORD', value: 'yes' },
          { name: 'REDIS_REPLICATION_MODE', value: 'master' },
        ],
      }),
    ['spec.template.spec.containers[0].env[1]: found env REDIS_REPLICATION_MODE', '[rule replicaof]'],
  ],
  [
    'every kind of persistence off',
    (s) => (redis(s).args = ['--appendonly', 'no', '--save', '']),
    ['found appendonly no and save "": every kind of persistence off', '[rule persistence]'],
  ],
  [
    'a volume shared by every pod',
    (s) => {
      s.spec!.volumeClaimTemplates = [];
      s.spec!.template.spec!.volumes = [{ name: 'shared', persistentVolumeClaim: { claimName: 'one' } }];
      redis(s).volumeMounts = [{ name: 'shared', mountPath: '/data' }];
    },
    ['spec.volumeClaimTemplates: found /data on volume shared, which is not a volumeClaimTemplate (not one per pod)', '[rule persistence]'],
  ],
  [
    'Redis 5',
    (s) => (redis(s).image = 'registry.example.com/library/redis:5.0.7'),
    ['found "registry.example.com/library/redis:5.0.7" (Redis 5); allowed Redis 6 or newer', '[rule image]'],
  ],
  [
    "an image that is not one of the policy's",
    (s) => (redis(s).image = 'someone/redis:7'),
    ['found "someone/redis:7"; allowed redis, valkey/valkey, bitnami/redis (any registry or mirror', '[rule image]'],
  ],
])('%s is refused, naming field, finding and fix', (_name, edit, expected) => {
  const message = denial(edit);
  for (const text of expected) expect(message).toContain(text);
});

test('a pod-level runAsNonRoot is added only when every container allows it', () => {
  const withRootInit = sampleStatefulSet();
  withRootInit.spec!.template.spec!.initContainers = [{ name: 'chmod', image: 'busybox', command: ['chmod', '777', '/data'] }];
  const stored = (sts: V1StatefulSet) =>
    fastJsonPatch.applyPatch(structuredClone(sts), admitStatefulSet(sts, 'default', [defaultPolicy], { service: headless }).patch, true, false)
      .newDocument;
  expect(stored(withRootInit).spec!.template.spec!.securityContext).toEqual({ fsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } });
  expect(stored(sampleStatefulSet()).spec!.template.spec!.securityContext).toEqual({
    runAsNonRoot: true,
    fsGroup: 999,
    seccompProfile: { type: 'RuntimeDefault' },
  });
});

test('the password comes from the Secret the container already uses, for the init container and the probes', () => {
  const sts = sampleStatefulSet();
  Object.assign(redis(sts), { args: ['--requirepass', '$(PW)'], env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'mine', key: 'pw' } } }] });
  const admission = admitStatefulSet(sts, 'default', [defaultPolicy], { service: headless });
  expect(admission.allowed).toBe(true);
  const reference = { secretKeyRef: { name: 'mine', key: 'pw' } };
  expect(admission.patch).toContainEqual({
    op: 'add',
    path: expect.stringMatching(/^\/spec\/template\/spec\/containers\/0\/env\/\d+$/),
    value: { name: 'REDISCLI_AUTH', valueFrom: reference },
  });
  const init = admission.patch.find((op) => op.path === '/spec/template/spec/initContainers') as { value: { env: unknown[] }[] };
  expect(init.value[0].env).toContainEqual({ name: 'REDIS_PASSWORD', valueFrom: reference });
});

describe("the user's config file, from a ConfigMap", () => {
  // `redis-server /etc/redis/redis.conf` through the image's entrypoint, the file from ConfigMap redis-config.
  function withConfigFile(edit: (sts: V1StatefulSet) => void): V1StatefulSet {
    const sts = sampleStatefulSet();
    Object.assign(redis(sts), { args: ['/etc/redis/redis.conf'], volumeMounts: [{ name: 'conf', mountPath: '/etc/redis' }] });
    sts.spec!.template.spec!.volumes = [{ name: 'conf', configMap: { name: 'redis-config' } }];
    edit(sts);
    return sts;
  }
  const configMap = (text: string): ConfigMaps =>
    new Map([['redis-config', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'redis-config' }, data: { 'redis.conf': text } }]]);
  const admit = (text: string, edit: (sts: V1StatefulSet) => void = () => undefined) =>
    admitStatefulSet(withConfigFile(edit), 'default', [defaultPolicy], { service: headless, configMaps: configMap(text) });
  const line = (n: number) => `ConfigMap redis-config key redis.conf line ${n}`;
  const fromSecret = (s: V1StatefulSet) =>
    Object.assign(redis(s), {
      args: ['/etc/redis/redis.conf', '--requirepass', '$(PW)'],
      env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 'mine', key: 'pw' } } }],
    });

  test.each<[string, string, string[]]>([
    ['TLS only', 'port 0\ntls-port 6379', [`${line(1)}: found port 0; allowed plain TCP`, `${line(2)}: found tls-port 6379;`, '[rule tls]']],
    [
      'a password written into the file',
      '# auth\nrequirepass "s3cret"',
      [`${line(2)}: found a password written into a ConfigMap (requirepass); allowed a password from a Secret`, '[rule auth]'],
    ],
    ['masterauth written into the file', 'masterauth s3cret', [`${line(1)}: found a password written into a ConfigMap (masterauth)`, '[rule auth]']],
    [
      'protected-mode yes with no password',
      'Protected-Mode yes',
      [
        `${line(1)}: found protected-mode yes without a password: Redis then refuses the followers' connections; allowed a password from a Secret`,
        '[rule auth]',
      ],
    ],
    [
      'replicaof of its own',
      'slaveof redis-0 6379',
      [`${line(1)}: found slaveof redis-0 6379; allowed no replicaof/slaveof of your own`, '[rule replicaof]'],
    ],
    ['Redis Cluster', 'cluster-enabled yes', [`${line(1)}: found cluster-enabled yes; allowed standalone Redis`, '[rule clusterMode]']],
    [
      'every kind of persistence off',
      'appendonly no\nsave ""',
      [`${line(2)}: found appendonly no and save "": every kind of persistence off`, '[rule persistence]'],
    ],
    [
      'a line redis-server would refuse',
      "maxmemory 1mb\nrequirepass 'abc",
      [
        `${line(2)}: found "requirepass 'abc": Unbalanced quotes in configuration line (redis-server refuses to start on /etc/redis/redis.conf)`,
        '[rule configFile]',
      ],
    ],
    [
      'an include of a file on no volume',
      'include /opt/redis/extra.conf',
      [`${line(1)}: found container redis reads /opt/redis/extra.conf, which is on none of its volumes`, '[rule configFile]'],
    ],
  ])('%s is refused, naming the ConfigMap, key and line', (_name, text, expected) => {
    const admission = admit(text);
    expect(admission.allowed).toBe(false);
    for (const part of expected) expect(admission.message).toContain(part);
  });

  test.each<[string, string, (sts: V1StatefulSet) => void]>([
    ['protected-mode yes with a password from a Secret', 'protected-mode yes', fromSecret],
    [
      'protected-mode yes turned off by an argument, which redis-server applies after the file',
      'protected-mode yes',
      (s) => redis(s).args!.push('--protected-mode', 'no'),
    ],
    [
      'persistence off in the file, on again in the annotation, which the rendered config sets after the include',
      'appendonly no\nsave ""',
      (s) => (s.metadata!.annotations = { 'redis-replication/config': 'appendonly yes' }),
    ],
    // The webhook writes its own dir after the include, so the file's dir never takes effect.
    ['a dir away from the data volume', 'dir /tmp', () => undefined],
    [
      'requirepass in a comment, and TLS settings that are quoted words of another directive',
      '# requirepass s3cret\nrename-command "tls-port" ""',
      () => undefined,
    ],
  ])('%s is admitted', (_name, text, edit) => {
    const admission = admit(text, edit);
    expect(admission.message).toBeUndefined();
    expect(admission.warnings).toEqual([]);
  });

  test("the file's port is carried to the probes, the init container and the container port, and a second pass changes nothing", () => {
    const { allowed, patch } = admit('port 6380');
    expect(allowed).toBe(true);
    const text = JSON.stringify(patch);
    expect(text).toContain('{"name":"REDIS_PORT","value":"6380"}');
    expect(text).toContain('"containerPort":6380');
    expect(text).not.toContain('6379');
    const stored = fastJsonPatch.applyPatch(
      withConfigFile(() => undefined),
      patch,
      true,
      false,
    ).newDocument;
    expect(admitStatefulSet(stored, 'default', [defaultPolicy], { service: headless, configMaps: configMap('port 6380') })).toMatchObject({
      allowed: true,
      patch: [],
    });
  });

  test("a ConfigMap that does not exist yet: admitted, with a warning that the file's rules were not checked", () => {
    const admission = admitStatefulSet(
      withConfigFile(() => undefined),
      'default',
      [defaultPolicy],
      { service: headless, configMaps: new Map([['redis-config', null]]) },
    );
    expect(admission.allowed).toBe(true);
    expect(admission.warnings.join('\n')).toContain(
      'spec.template.spec.volumes[0].configMap.name: found ConfigMap redis-config, which does not exist yet, so the rules could not check /etc/redis/redis.conf',
    );
  });

  test('ConfigMaps not looked up: the file is not read, and nothing is said', () => {
    const admission = admitStatefulSet(
      withConfigFile(() => undefined),
      'default',
      [defaultPolicy],
      { service: headless },
    );
    expect(admission).toMatchObject({ allowed: true, warnings: [] });
  });
});
