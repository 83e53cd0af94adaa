import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveConfig, serveHelp } from './serveConfig.js';

test('no flags: the defaults the help shows', () => {
  expect(serveConfig([])).toEqual({
    port: 8443,
    host: '0.0.0.0',
    certificate: { source: 'dev', dir: join(tmpdir(), 'redis-replication-webhook-dev') },
    policiesDir: undefined,
    watchClusterPolicies: false,
    watchStatefulSets: false,
    checkServices: false,
    checkConfigFiles: false,
    auditIntervalMs: undefined,
    leaderIntervalMs: undefined,
    leaderElection: undefined,
    shutdownDelayMs: 5_000,
    shutdownGraceMs: 20_000,
  });
  expect(serveHelp).toContain('--port N                   port to listen on (default 8443)');
  expect(serveHelp).toContain('(default $TMPDIR/redis-replication-webhook-dev)');
  expect(serveHelp).toMatch(/first \(SIGINT: 0\) \(default 5\)\n/);
  expect(serveConfig(['-h'])).toBe('help');
});

test('certificate files, a platform in front, and what cannot go together', () => {
  expect(serveConfig(['--tls-cert-file', 'c', '--tls-private-key-file', 'k'])).toMatchObject({
    certificate: { source: 'files', certFile: 'c', keyFile: 'k' },
  });
  expect(serveConfig(['--plain-http'])).toMatchObject({ certificate: { source: 'none' } });
  expect(() => serveConfig(['--tls-cert-file', 'c'])).toThrow('--tls-cert-file and --tls-private-key-file go together');
  expect(() => serveConfig(['--plain-http', '--tls-cert-file', 'c', '--tls-private-key-file', 'k'])).toThrow(/^--plain-http: found it/);
});

test('the audit and the leader labels imply the watched StatefulSets; durations and ports are checked', () => {
  expect(serveConfig(['--audit-interval', '10m'])).toMatchObject({ auditIntervalMs: 600_000, watchStatefulSets: true });
  expect(serveConfig(['--label-leaders', '500ms'])).toMatchObject({ leaderIntervalMs: 500, watchStatefulSets: true });
  expect(() => serveConfig(['--audit-interval', '100ms'])).toThrow('--audit-interval: found "100ms"');
  expect(() => serveConfig(['--port', '70000'])).toThrow('--port: found "70000"; allowed 0 to 65535');
  expect(() => serveConfig(['--bogus'])).toThrow("Unknown option '--bogus'");
});

test("leader election: client-go's defaults, and a holder that gives up before another may take over", () => {
  expect(serveConfig(['--leader-elect'])).toMatchObject({
    leaderElection: {
      name: 'redis-replication-webhook',
      namespace: undefined,
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
    },
  });
  expect(serveConfig(['--leader-elect', '--leader-elect-resource-namespace', 'ops'])).toMatchObject({ leaderElection: { namespace: 'ops' } });
  expect(() => serveConfig(['--leader-elect', '--leader-elect-renew-deadline', '20s'])).toThrow(
    '--leader-elect-renew-deadline: found 20s; allowed less than --leader-elect-lease-duration (15s)',
  );
  expect(() => serveConfig(['--leader-elect', '--leader-elect-retry-period', '10s'])).toThrow(
    '--leader-elect-retry-period: found 10s; allowed less than --leader-elect-renew-deadline (10s)',
  );
  // Without --leader-elect its timings are not read.
  expect(serveConfig(['--leader-elect-renew-deadline', '20s'])).toMatchObject({ leaderElection: undefined });
});
