import type { StatefulSetAudit } from './auditStatefulSet.js';
import { policyReports } from './policyReport.js';

const at = new Date('2026-12-01T10:00:00.250Z');

function audit(namespace: string, name: string, failing: 'replicas' | 'none' = 'none'): StatefulSetAudit {
  return {
    namespace,
    name,
    uid: `uid-${name}`,
    policy: 'default',
    results: [
      { check: 'policy', outcome: 'pass', message: 'governed by policy default' },
      failing === 'replicas'
        ? { check: 'replicas', outcome: 'fail', message: 'spec.replicas: found 40; allowed 2 to 9 [rule replicas]' }
        : { check: 'replicas', outcome: 'pass', message: 'rule replicas passed' },
      { check: 'wiring', outcome: failing === 'replicas' ? 'skip' : 'pass', message: '...' },
    ],
  };
}

test('one report per namespace, results in namespace and name order, counted in the summary', () => {
  const reports = policyReports([audit('team-b', 'sessions'), audit('team-a', 'zeta', 'replicas'), audit('team-a', 'alpha')], at);
  expect(reports.map((r) => [r.metadata.namespace, r.metadata.name])).toEqual([
    ['team-a', 'redis-replication'],
    ['team-b', 'redis-replication'],
  ]);
  const [teamA] = reports;
  expect(teamA.results.map((r) => `${r.resources[0].name}/${r.rule}=${r.result}`)).toEqual([
    'alpha/policy=pass',
    'alpha/replicas=pass',
    'alpha/wiring=pass',
    'zeta/policy=pass',
    'zeta/replicas=fail',
    'zeta/wiring=skip',
  ]);
  expect(teamA.summary).toEqual({ pass: 4, fail: 1, warn: 0, error: 0, skip: 1 });
  expect(teamA.results[4]).toEqual({
    source: 'redis-replication-webhook',
    policy: 'default',
    rule: 'replicas',
    category: 'Redis replication',
    result: 'fail',
    message: 'spec.replicas: found 40; allowed 2 to 9 [rule replicas]',
    scored: true,
    resources: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'team-a', name: 'zeta', uid: 'uid-zeta' }],
    timestamp: { seconds: 1796119200, nanos: 250_000_000 },
  });
  expect(teamA.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'redis-replication-webhook' });
});

test('a StatefulSet no policy governs is reported under "(none)"', () => {
  const [report] = policyReports([{ namespace: 'x', name: 'c', results: [{ check: 'policy', outcome: 'fail', message: 'no policy' }] }], at);
  expect(report.results[0]).toMatchObject({ policy: '(none)', rule: 'policy', result: 'fail' });
});

test('no audits, no reports', () => {
  expect(policyReports([], at)).toEqual([]);
});
