import type { V1Container } from '@kubernetes/client-node';
import fastJsonPatch from 'fast-json-patch';
import { reviewAdmission } from '../admission/reviewAdmission.js';
import { defaultPolicy } from '../policy/defaultPolicy.js';
import { startOf } from './redisStart.js';
import { admissionReview, patchOf, sampleStatefulSet } from '../../../test/fixtures/statefulSet.js';

const field = 'spec.template.spec.containers[0]';
const conf = '/etc/redis-replication/redis.conf';

/** The Redis container after mutation, and the user config file the init container records. */
function wired(container: Partial<V1Container>): { redis: V1Container; userFile?: string } {
  const sts = sampleStatefulSet();
  Object.assign(sts.spec!.template.spec!.containers[0], container);
  const answer = reviewAdmission('mutate', admissionReview(sts), { policies: [defaultPolicy] });
  const ops = patchOf(answer);
  const patched = fastJsonPatch.applyPatch(structuredClone(sts), ops, true, false).newDocument;
  const again = reviewAdmission('mutate', admissionReview(patched), { policies: [defaultPolicy] });
  expect(again.response!.patch).toBeUndefined();
  const init = patched.spec!.template.spec!.initContainers!.find((c) => c.name === 'redis-replication-init')!;
  const userFile = init.env!.find((e) => e.name === 'REDIS_USER_CONFIG_FILE')?.value;
  return { redis: patched.spec!.template.spec!.containers[0], ...(userFile === undefined ? {} : { userFile }) };
}

describe('startOf reads a start as the runtime and redis-server would', () => {
  test.each([
    ['the image default', {}, { kind: 'server', options: [], rest: [], wired: false }],
    [
      'entrypoint options',
      { args: ['--appendonly', 'yes'] },
      { kind: 'server', rest: ['--appendonly', 'yes'], options: [{ key: 'appendonly', values: ['yes'], field: `${field}.args[0]` }] },
    ],
    [
      'a config file first',
      { args: ['/etc/redis/redis.conf'] },
      { kind: 'server', configFile: { value: '/etc/redis/redis.conf', field: `${field}.args[0]` } },
    ],
    [
      'the docker-library form',
      { args: ['redis-server', '--save', '60 1'] },
      { kind: 'server', server: 'redis-server', options: [{ key: 'save', values: ['60 1'], field: `${field}.args[1]` }] },
    ],
    [
      'an option and its value in one word',
      { command: ['redis-server', '--loglevel warning'] },
      { kind: 'server', options: [{ key: 'loglevel', values: ['warning'], field: `${field}.command[1]` }] },
    ],
    [
      'an absolute server path',
      { args: ['/usr/local/bin/redis-server', '--port', '7000'] },
      { kind: 'server', server: '/usr/local/bin/redis-server' },
    ],
    [
      'the entrypoint named',
      { command: ['docker-entrypoint.sh'], args: ['redis-server', '/c.conf'] },
      { kind: 'server', server: 'redis-server', configFile: { value: '/c.conf' } },
    ],
    [
      'a shell script',
      { command: ['sh', '-c', 'redis-server --port 1'] },
      { kind: 'unsupported', field: `${field}.command[0]`, script: 'redis-server --port 1' },
    ],
    [
      'a wrapper',
      { command: ['/etc/redis/fix-ip.sh', 'redis-server'] },
      { kind: 'unsupported', found: expect.stringContaining('a program that is not the server') },
    ],
    ['a Sentinel', { command: ['redis-sentinel', '/s.conf'] }, { kind: 'unsupported', found: expect.stringContaining('a Sentinel') }],
    [
      'words before any option',
      { command: ['redis-server', '/a.conf', 'oops'] },
      { kind: 'unsupported', found: expect.stringContaining('"oops" where redis-server expects --key value') },
    ],
    ['an empty command: the image default', { command: [], args: [] }, { kind: 'server', options: [] }],
  ])('%s', (_name, container, expected) => {
    expect(startOf({ name: 'redis', image: 'redis:7.2', ...container }, field)).toMatchObject(expected);
  });

  test('bitnami/redis with neither command nor args is configured by env; a plain image without command is not understood', () => {
    expect(startOf({ name: 'redis', image: 'bitnami/redis:7.2' }, field)).toEqual({ kind: 'bitnami-env' });
    expect(startOf({ name: 'redis', image: 'goharbor/redis-photon:v2' }, field)).toMatchObject({ kind: 'unsupported', field: `${field}.command` });
  });
});

describe('mutation wires each start to the rendered config, keeps every other word, and is idempotent', () => {
  test.each([
    ['the image default', {}, { args: [conf] }, undefined],
    ['entrypoint options', { args: ['--appendonly', 'yes'] }, { args: [conf, '--appendonly', 'yes'] }, undefined],
    ['entrypoint config file', { args: ['/etc/redis/redis.conf', '--port', '7000'] }, { args: [conf, '--port', '7000'] }, '/etc/redis/redis.conf'],
    ['the docker-library form', { args: ['redis-server', '/etc/redis/redis.conf'] }, { args: ['redis-server', conf] }, '/etc/redis/redis.conf'],
    [
      'a server command',
      { command: ['valkey-server', '/etc/redis/v.conf', '--save', ''], args: ['--x', '1'] },
      { command: ['valkey-server'], args: [conf, '--save', '', '--x', '1'] },
      '/etc/redis/v.conf',
    ],
    // Wired, it reads like a wired bitnami env start: the recorded file says otherwise (found by the property test).
    [
      'bitnami/redis with a server command and a config file',
      { image: 'bitnami/redis:7.2', command: ['redis-server', '/etc/redis/b.conf'] },
      { command: ['redis-server'], args: [conf] },
      '/etc/redis/b.conf',
    ],
  ])('%s', (_name, container, expected, userFile) => {
    const result = wired({ ...container, volumeMounts: [{ name: 'config', mountPath: '/etc/redis' }] });
    expect(result.redis).toMatchObject(expected);
    if (!('command' in expected)) expect(result.redis.command ?? []).toEqual([]);
    expect(result.userFile).toBe(userFile);
  });

  test('bitnami/redis by env: the server as the command on the rendered config, data under /bitnami/redis/data', () => {
    const result = wired({ image: 'bitnami/redis:7.2', env: [{ name: 'ALLOW_EMPTY_PASSWORD', value: 'yes' }] });
    expect(result.redis).toMatchObject({ command: ['redis-server'], args: [conf] });
    expect(result.redis.volumeMounts).toContainEqual({ name: 'data', mountPath: '/bitnami/redis/data' });
  });
});
