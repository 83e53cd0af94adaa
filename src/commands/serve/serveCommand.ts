import { parseArgs } from 'node:util';
import { createServer as createPlainServer, type RequestListener } from 'node:http';
import { createServer, Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from '../command.js';
import { admissionApp } from '../../edges/http/admissionApp.js';
import { admissionHandler } from '../../edges/http/admissionHandler.js';
import { fileCertificateSource } from '../../edges/http/fileCertificateSource.js';
import { devCertificateSource } from '../../edges/http/devCertificateSource.js';
import { log } from '../../edges/telemetry/log.js';
import { errorMessage } from '../../wire/errorMessage.js';
import { kubernetesClusterPolicyWatch } from '../../edges/kubernetes/clusterPolicyWatch.js';
import { certificateExpirySeconds, webhookMetrics, type WebhookMetrics } from '../../edges/telemetry/metrics.js';
import { policyStore } from '../../edges/http/policyStore.js';
import { serverTlsSettings } from '../../edges/http/tlsSettings.js';
import { kubernetesClusterReads } from '../../edges/kubernetes/clusterReads.js';
import { watchedLabeledStatefulSets, watchedServices } from '../../edges/kubernetes/watchedObjects.js';
import { durationMs, portNumber } from '../flags.js';
import { withLogging } from '../../edges/http/withLogging.js';
import { withMetrics } from '../../edges/http/withMetrics.js';
import { clusterAudit, type AuditRun, type ClusterAudit } from '../../edges/controllers/clusterAudit.js';
import { kubernetesReportPublisher } from '../../edges/controllers/policyReportPublisher.js';
import { leaderLabeler, type LeaderRound } from '../../edges/controllers/leaderLabeler.js';

const help = `Usage: redis-replication-webhook serve [options]

Runs the admission webhook over HTTPS: POST /mutate, POST /validate, GET /healthz, GET /readyz,
GET /metrics (Prometheus).

Options:
  --port N                   port to listen on (default 8443)
  --host ADDR                address to listen on (default 0.0.0.0)
  --tls-cert-file FILE       serving certificate (PEM); re-read when it changes on disk
  --tls-private-key-file F   its private key (PEM)
  --plain-http               serve plain HTTP, for a platform that terminates TLS in front of
                             the webhook (a Knative Service); the API server only calls HTTPS
  --dev-cert-dir DIR         without certificate files: where the generated self-signed
                             certificate (also the CA to trust) is written
                             (default: $TMPDIR/redis-replication-webhook-dev)
  --policies DIR             folder of ReplicationPolicy files, watched for changes
                             (default: none, only the built-in policy)
  --watch-cluster-policies   also follow the cluster's ReplicationPolicy objects (in-cluster
                             config or KUBECONFIG); one replaces a file policy of the same name
  --watch-statefulsets       keep the labeled StatefulSets in memory from a watch (list and watch
                             statefulsets), so a scale request for any other StatefulSet is
                             answered without reading it through the API
  --check-services           check each labeled StatefulSet's governing Service (spec.serviceName)
                             when validating it: one that is not headless is refused, a missing
                             one warned about; the Services are kept in memory from a watch
                             (name, clusterIP and type only; list and watch services)
  --check-config-files       read the ConfigMaps a labeled StatefulSet's Redis container mounts
                             when its start names a config file, on every review of it, so the
                             file's lines are judged like the redis-replication/config annotation
                             (get configmaps); a ConfigMap not there yet is warned about
  --audit-interval D         audit every labeled StatefulSet the cluster stores and publish one
                             PolicyReport (wgpolicyk8s.io/v1alpha2) per namespace: after every
                             change of one, of the policies (or with --check-services of a
                             Service), and every D (e.g. 10m); implies --watch-statefulsets
                             (list, create, patch and delete policyreports; their CRD installed;
                             list poddisruptionbudgets, to report a group none selects)
  --label-leaders D          every D (e.g. 1s), label the pods of each group with Sentinel failover
                             redis-replication/role=leader|follower as a majority of its Sentinels
                             name the master, so a Service selecting the leader follows a failover;
                             implies --watch-statefulsets (list pods, patch pods; the webhook must
                             reach the pods' Sentinel port)
  --shutdown-delay-seconds D after SIGTERM, how long to keep serving with readiness off
                             before closing the listener, so Kubernetes can take the pod
                             out of the Service's endpoints first (default 5; SIGINT: 0)
  --shutdown-grace-seconds D then, how long requests in flight may take (default 20)
                             (D: seconds, or a duration such as 500ms or 1m)
  -h, --help                 show this help
`;

const options = {
  port: { type: 'string', default: '8443' },
  host: { type: 'string', default: '0.0.0.0' },
  'tls-cert-file': { type: 'string' },
  'tls-private-key-file': { type: 'string' },
  'dev-cert-dir': { type: 'string', default: join(tmpdir(), 'redis-replication-webhook-dev') },
  'plain-http': { type: 'boolean', default: false },
  policies: { type: 'string' },
  'watch-cluster-policies': { type: 'boolean', default: false },
  'check-services': { type: 'boolean', default: false },
  'check-config-files': { type: 'boolean', default: false },
  'watch-statefulsets': { type: 'boolean', default: false },
  'audit-interval': { type: 'string' },
  'label-leaders': { type: 'string' },
  'shutdown-delay-seconds': { type: 'string', default: '5' },
  'shutdown-grace-seconds': { type: 'string', default: '20' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** An audit's outcome in the log and the metrics. A trouble the retries repeat is logged when it changes. */
function auditRecorder(metrics: WebhookMetrics): (run: AuditRun) => void {
  let lastError = '';
  return (run) => {
    metrics.auditRuns.inc({ result: run.ok ? 'success' : 'failure' });
    for (const [result, n] of Object.entries(run.summary)) metrics.auditResults.set({ result }, n);
    if (!run.ok) {
      if (run.error !== lastError)
        log('warn', 'audit not published; tried again later', { error: run.error, statefulSets: run.statefulSets, results: run.summary });
      lastError = run.error;
      return;
    }
    lastError = '';
    log('info', 'audit published', { statefulSets: run.statefulSets, results: run.summary, reports: run.publication });
  };
}

/**
 * Leader label rounds in the log and the metrics: a move of the label, and a group that cannot be decided,
 * once each time it changes.
 */
function leaderRecorder(metrics: WebhookMetrics): (rounds: LeaderRound[]) => void {
  const last = new Map<string, string>();
  return (rounds) => {
    const undecided = rounds.filter((r) => r.error !== undefined || r.decision.leader === undefined).length;
    metrics.leaderGroups.set({ result: 'decided' }, rounds.length - undecided);
    metrics.leaderGroups.set({ result: 'undecided' }, undecided);
    for (const round of rounds) {
      const trouble = round.error ?? (round.decision.leader === undefined ? round.decision.reason : '');
      if (round.labeled.length > 0)
        log('info', 'leader labels moved', { statefulSet: round.statefulSet, leader: round.decision.leader, labeled: round.labeled });
      if (trouble !== (last.get(round.statefulSet) ?? '') && trouble !== '')
        log('warn', 'leader labels not changed; tried again next round', { statefulSet: round.statefulSet, reason: trouble });
      last.set(round.statefulSet, trouble);
    }
  };
}

export const serveCommand: Command = {
  async run(argv) {
    const { values } = parseArgs({ args: argv, options, strict: true });
    if (values.help) {
      process.stdout.write(help);
      return 0;
    }
    const port = portNumber('port', values.port, { allowZero: true });
    const certFile = values['tls-cert-file'];
    const keyFile = values['tls-private-key-file'];
    if ((certFile === undefined) !== (keyFile === undefined)) throw new Error('--tls-cert-file and --tls-private-key-file go together');
    const shutdownDelay = durationMs('shutdown-delay-seconds', values['shutdown-delay-seconds']);
    const shutdownGrace = durationMs('shutdown-grace-seconds', values['shutdown-grace-seconds']);
    const plain = values['plain-http'];
    if (plain && certFile !== undefined) throw new Error('--plain-http: found it with --tls-cert-file; the platform in front holds the certificate');
    // Behind a platform that terminates TLS (Knative), no certificate of our own.
    const certificates = plain
      ? undefined
      : certFile && keyFile
        ? fileCertificateSource(certFile, keyFile)
        : await devCertificateSource(values['dev-cert-dir']);
    const metrics = webhookMetrics();
    if (certificates) {
      metrics.certificateExpiry.set(certificateExpirySeconds(certificates.current().cert));
      certificates.onChange((pair) => metrics.certificateExpiry.set(certificateExpirySeconds(pair.cert)));
    }
    const auditIntervalMs = values['audit-interval'] === undefined ? undefined : durationMs('audit-interval', values['audit-interval'], 1_000);
    const clusterPolicies = values['watch-cluster-policies'] ? kubernetesClusterPolicyWatch() : undefined;
    let audit: ClusterAudit | undefined;
    let leaders: { close(): void } | undefined;
    const policies = await policyStore(
      values.policies,
      (result) => {
        metrics.policyReloads.inc({ result });
        if (result === 'success') audit?.trigger();
      },
      clusterPolicies,
    );
    const cluster = kubernetesClusterReads({
      services: values['check-services'],
      configMaps: values['check-config-files'],
      disruptionBudgets: auditIntervalMs !== undefined,
      onRead: (object) => metrics.apiReads.inc({ object }),
    });
    const leaderIntervalMs = values['label-leaders'] === undefined ? undefined : durationMs('label-leaders', values['label-leaders'], 100);
    const labeledStatefulSets =
      values['watch-statefulsets'] || auditIntervalMs !== undefined || leaderIntervalMs !== undefined ? watchedLabeledStatefulSets() : undefined;
    const watched = {
      ...(labeledStatefulSets ? { labeledStatefulSets } : {}),
      ...(values['check-services'] ? { services: watchedServices() } : {}),
    };
    let shuttingDown = false;
    let listenerClosed = false;
    const app = admissionApp(
      {
        mutate: withLogging(
          'mutate',
          withMetrics(
            'mutate',
            metrics,
            admissionHandler('mutate', () => policies.current(), cluster),
          ),
        ),
        validate: withLogging(
          'validate',
          withMetrics(
            'validate',
            metrics,
            admissionHandler('validate', () => policies.current(), cluster, watched),
          ),
        ),
      },
      () => ({
        ready: !shuttingDown,
        detail: { policies: policies.current().map((p) => p.name), policyErrors: policies.lastErrors(), shuttingDown },
      }),
      metrics.registry,
    );
    const listener: RequestListener = (req, res) => {
      // Once the listener is closed, a keep-alive client must not reuse its connection: tell it so.
      if (listenerClosed) res.setHeader('connection', 'close');
      app(req, res);
    };
    // A TLS handshake or a request still incomplete after its timeout is cut off, checked every second.
    const server = certificates
      ? createServer({ ...certificates.current(), ...serverTlsSettings, handshakeTimeout: 10_000, connectionsCheckingInterval: 1_000 }, listener)
      : createPlainServer({ connectionsCheckingInterval: 1_000 }, listener);
    // New handshakes get the new certificate; connections already open keep theirs.
    if (certificates && server instanceof HttpsServer) certificates.onChange((pair) => server.setSecureContext({ ...pair, ...serverTlsSettings }));
    // The API server's client reuses connections; keep them open longer than its idle timeout.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 10_000;
    server.requestTimeout = 30_000;
    // A connection that sends nothing for 10 s (one opened and never used, a stalled body) is closed.
    server.timeout = 10_000;
    // Each open TLS connection holds about 25 KB; a few API servers need tens. The cap bounds the memory
    // an idle-connection flood can take, and connections already open keep being served.
    server.maxConnections = 1_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, values.host, resolve);
    });
    const address = server.address();
    log('info', 'serving', { port: typeof address === 'object' && address ? address.port : port, host: values.host });
    // Attached once serving: until a watch has listed, admissions read what it would hold through the API.
    void watched.labeledStatefulSets?.start();
    void watched.services?.start();
    if (labeledStatefulSets && auditIntervalMs !== undefined)
      audit = clusterAudit({
        statefulSets: labeledStatefulSets,
        ...(watched.services ? { services: watched.services } : {}),
        ...(cluster.configMap
          ? {
              readConfigMap: cluster.configMap,
              onConfigMapError: (configMap: string, error: unknown) =>
                log('warn', 'ConfigMap not read for the audit; the config file it holds is left unchecked', {
                  configMap,
                  error: errorMessage(error),
                }),
            }
          : {}),
        ...(cluster.disruptionBudgets
          ? {
              listDisruptionBudgets: cluster.disruptionBudgets,
              onDisruptionBudgetsError: (namespace: string, error: unknown) =>
                log('warn', 'PodDisruptionBudgets not listed for the audit; the check is left out', { namespace, error: errorMessage(error) }),
            }
          : {}),
        policies: () => policies.current(),
        publisher: kubernetesReportPublisher(),
        intervalMs: auditIntervalMs,
        onRun: auditRecorder(metrics),
      });
    if (labeledStatefulSets && leaderIntervalMs !== undefined)
      leaders = leaderLabeler({ statefulSets: labeledStatefulSets, intervalMs: leaderIntervalMs, onRound: leaderRecorder(metrics) });
    return new Promise<number>((resolve) => {
      const stop = (signal: string, delay: number) => {
        if (shuttingDown) return;
        shuttingDown = true;
        log('info', 'shutting down: readiness off; the listener closes after the delay', { signal, delaySeconds: delay / 1000 });
        // API servers keep sending to this pod until its endpoint is removed, which follows the failing
        // readiness probe with some lag: until then, keep accepting and answering.
        setTimeout(() => {
          listenerClosed = true;
          log('info', 'listener closed; finishing requests in flight', { graceSeconds: shutdownGrace / 1000 });
          const deadline = setTimeout(() => server.closeAllConnections(), shutdownGrace);
          deadline.unref();
          server.close(() => {
            certificates?.close();
            audit?.close();
            leaders?.close();
            policies.close();
            watched.labeledStatefulSets?.close();
            watched.services?.close();
            resolve(0);
          });
          server.closeIdleConnections();
        }, delay);
      };
      process.once('SIGTERM', () => stop('SIGTERM', shutdownDelay));
      // A person at a terminal wants it stopped now; there is no endpoint to drain.
      process.once('SIGINT', () => stop('SIGINT', 0));
    });
  },
};
