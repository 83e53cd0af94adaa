import { parse } from 'yaml';
import { admitStatefulSet } from '../../src/commands/check/admitStatefulSet.js';
import type { CheckReport } from '../../src/commands/check/checkManifests.js';
import { describePatch } from '../../src/commands/check/describePatch.js';
import { textReport } from '../../src/commands/check/textReport.js';
import { defaultPolicy } from '../../src/core/policy/defaultPolicy.js';
import { roleScript } from '../../src/core/rules/roleScript.js';
import { sampleStatefulSet } from '../fixtures/statefulSet.js';

describe('describePatch', () => {
  test('one entry per operation: sign, JSON Pointer, value as YAML', () => {
    expect(
      describePatch([
        { op: 'add', path: '/spec/podManagementPolicy', value: 'OrderedReady' },
        { op: 'replace', path: '/spec/template/spec/containers/0/command', value: ['redis-server', '/etc/redis-replication/redis.conf'] },
        { op: 'remove', path: '/metadata/annotations/a~1b' },
      ]),
    ).toEqual([
      '+ /spec/podManagementPolicy: OrderedReady',
      '~ /spec/template/spec/containers/0/command: [redis-server, /etc/redis-replication/redis.conf]',
      '- /metadata/annotations/a~1b',
    ]);
  });

  test('collapses the role script to one line and keeps the rest readable and valid YAML', () => {
    const lines = describePatch(admitStatefulSet(sampleStatefulSet(), 'default', [defaultPolicy]).patch);
    const text = lines.join('\n');
    const scriptLines = roleScript.trimEnd().split('\n').length;
    expect(text).toContain(`command: [sh, -c, "<role script, ${scriptLines} lines>"]`);
    expect(text).not.toContain('set -eu');
    expect(lines).toContain('+ /spec/template/spec/initContainers:');
    expect(text).toContain('- {name: REDIS_PORT, value: "6379"}');
    expect(text).toContain('capabilities: {drop: [ALL]}');
    // The rendered redis.conf stays line by line.
    expect(text).toMatch(/value: \|-\n\s+replica-read-only yes\n\s+protected-mode no/);
    // Each entry, without its sign, is a YAML mapping from path to value.
    const initEntry = text.slice(
      text.indexOf('+ /spec/template/spec/initContainers:') + 2,
      text.indexOf('\n+ ', text.indexOf('+ /spec/template/spec/initContainers:')),
    );
    const parsed = parse(initEntry.replaceAll('\n  ', '\n')) as Record<string, { name: string; command: string[] }[]>;
    expect(parsed['/spec/template/spec/initContainers'][0].name).toBe('redis-replication-init');
  });

  test('with failover.mode sentinel it shows the Sentinel container, Parallel starts and the write majority', () => {
    const sentinel = { ...defaultPolicy, name: 'ha', failover: { ...defaultPolicy.failover, mode: 'sentinel' as const } };
    const text = describePatch(admitStatefulSet(sampleStatefulSet(), 'default', [sentinel]).patch).join('\n');
    expect(text).toContain('+ /spec/template/spec/containers/1:\n    name: redis-replication-sentinel');
    expect(text).toContain('command: [redis-server, /data/redis-replication-sentinel.conf, --sentinel]');
    expect(text).toContain('+ /spec/podManagementPolicy: Parallel');
    expect(text).toMatch(/min-replicas-to-write 1\n\s+min-replicas-max-lag 10/);
  });
});

describe('textReport', () => {
  const base = { where: 'document 1', namespace: 'default', warnings: [], patch: [] };
  const report: CheckReport = {
    source: 'stdin',
    statefulSets: [
      { ...base, name: 'a', verdict: 'allowed', patch: [{ op: 'add', path: '/spec/podManagementPolicy', value: 'OrderedReady' }] },
      { ...base, name: 'b', verdict: 'warned', warnings: ['spec.replicas: found 7; allowed 2 to 5 [rule replicas, warn]'] },
      {
        ...base,
        name: 'c',
        verdict: 'denied',
        message: 'StatefulSet default/c is not a valid Redis replication group:\n- spec.serviceName: found ""; allowed x [rule serviceName]',
      },
      { ...base, name: 'd', verdict: 'not ours' },
    ],
    ignored: { Service: 2, ConfigMap: 1 },
  };

  test('each StatefulSet with its verdict, reasons and changes, then the totals', () => {
    expect(textReport(report)).toBe(
      [
        'StatefulSet default/a (stdin, document 1): allowed',
        '  would inject (1 change):',
        '    + /spec/podManagementPolicy: OrderedReady',
        '',
        'StatefulSet default/b (stdin, document 1): allowed, with 1 warning',
        '  warning: spec.replicas: found 7; allowed 2 to 5 [rule replicas, warn]',
        '  would inject nothing: already as the webhook makes it',
        '',
        'StatefulSet default/c (stdin, document 1): denied',
        '  StatefulSet default/c is not a valid Redis replication group:',
        '  - spec.serviceName: found ""; allowed x [rule serviceName]',
        '  would inject nothing: already as the webhook makes it',
        '',
        'StatefulSet default/d (stdin, document 1): not ours (no redis-replication: enabled label)',
        '',
        '4 StatefulSets: 1 allowed, 1 allowed with warnings, 1 denied, 1 not ours',
        '3 other objects ignored: 1 ConfigMap, 2 Service',
        'check failed: 1 StatefulSet would be denied',
        '',
      ].join('\n'),
    );
  });

  test('a group without the PodDisruptionBudget its policy requires fails the check, beside its admission verdict', () => {
    const unprotected: CheckReport = {
      source: 'stdin',
      statefulSets: [
        {
          ...base,
          name: 'a',
          verdict: 'allowed',
          disruptionBudget: { outcome: 'fail', message: 'spec.template.metadata.labels: found no PodDisruptionBudget ...' },
        },
        { ...base, name: 'b', verdict: 'allowed', disruptionBudget: { outcome: 'pass', message: 'PodDisruptionBudget b selects the pods' } },
      ],
      ignored: {},
    };
    expect(textReport(unprotected)).toBe(
      [
        'StatefulSet default/a (stdin, document 1): allowed',
        '  disruption budget (fail): spec.template.metadata.labels: found no PodDisruptionBudget ...',
        '  would inject nothing: already as the webhook makes it',
        '',
        'StatefulSet default/b (stdin, document 1): allowed',
        '  disruption budget (pass): PodDisruptionBudget b selects the pods',
        '  would inject nothing: already as the webhook makes it',
        '',
        '2 StatefulSets: 2 allowed, 0 allowed with warnings, 0 denied, 0 not ours',
        '0 other objects ignored',
        'check failed: 1 StatefulSet without the PodDisruptionBudget their policy requires',
        '',
      ].join('\n'),
    );
  });

  test('says so when it passes', () => {
    expect(textReport({ source: 'stdin', statefulSets: [], ignored: {} })).toBe(
      '0 StatefulSets: 0 allowed, 0 allowed with warnings, 0 denied, 0 not ours\n0 other objects ignored\ncheck passed\n',
    );
  });
});
