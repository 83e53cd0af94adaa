import type { V1Container } from '@kubernetes/client-node';
import { initContainerName } from '../../wire/replicationNames.js';
import { defaultPolicy } from '../policy/defaultPolicy.js';
import { injectedInitContainer } from '../../../test/fixtures/redisGroup.js';

/** `$(NAME)` references Kubernetes would expand in a container's command, args or probes: those naming one of its env variables. */
function expandedReferences(container: V1Container, words: readonly string[]): string[] {
  const names = new Set((container.env ?? []).map((e) => e.name));
  return words.flatMap((w) => [...w.matchAll(/\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g)].map((m) => m[1]).filter((n) => names.has(n)));
}

test('the injected commands and probes spell no $(VAR) that Kubernetes would replace with the variable, a password among them', () => {
  const { statefulSet, init } = injectedInitContainer({ ...defaultPolicy, auth: { secretName: 'redis-auth', secretKey: 'password' } });
  expect(init.name).toBe(initContainerName);
  expect(init.env?.map((e) => e.name)).toContain('REDIS_PASSWORD');
  expect(expandedReferences(init, [...(init.command ?? []), ...(init.args ?? [])])).toEqual([]);
  const redis = statefulSet.spec!.template.spec!.containers[0];
  expect(redis.env?.map((e) => e.name)).toContain('REDISCLI_AUTH');
  for (const probe of [redis.readinessProbe, redis.livenessProbe]) expect(expandedReferences(redis, probe?.exec?.command ?? [])).toEqual([]);
});
