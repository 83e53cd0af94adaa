import { createServer as createPlainServer, type RequestListener, type Server } from 'node:http';
import { createServer, Server as HttpsServer } from 'node:https';
import { admissionApp } from '../../edges/http/admissionApp.js';
import { admissionHandler } from '../../edges/http/admissionHandler.js';
import { devCertificateSource } from '../../edges/http/devCertificateSource.js';
import { fileCertificateSource } from '../../edges/http/fileCertificateSource.js';
import { policyStore } from '../../edges/http/policyStore.js';
import { serverTlsSettings } from '../../edges/http/tlsSettings.js';
import { withLogging } from '../../edges/http/withLogging.js';
import { withMetrics } from '../../edges/http/withMetrics.js';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { clusterAudit, type ClusterAudit } from '../../edges/controllers/clusterAudit.js';
import { controllerManager, type Controller, type Leadership } from '../../edges/controllers/controllerManager.js';
import { leaderLabeler } from '../../edges/controllers/leaderLabeler.js';
import { kubernetesReportPublisher } from '../../edges/controllers/policyReportPublisher.js';
import { apiConnection, podNamespace, type ApiConnection } from '../../edges/kubernetes/apiConnection.js';
import { leaseElection } from '../../edges/kubernetes/leaseElection.js';
import { kubernetesClusterPolicyWatch } from '../../edges/kubernetes/clusterPolicyWatch.js';
import { kubernetesClusterReads } from '../../edges/kubernetes/clusterReads.js';
import { watchedLabeledStatefulSets, watchedPods, watchedServices } from '../../edges/kubernetes/watchedObjects.js';
import { log } from '../../edges/telemetry/log.js';
import { certificateExpirySeconds, webhookMetrics } from '../../edges/telemetry/metrics.js';
import { errorMessage } from '../../wire/errorMessage.js';
import { auditRecorder, leaderRecorder } from './runRecorders.js';
import type { LeaderElectionConfig, ServeConfig, ServingCertificate } from './serveConfig.js';

/** The webhook as `serve` runs it: listening, its watches and loops started. */
export interface RunningWebhook {
  port: number;
  /**
   * Readiness off at once; after `delayMs` the listener closes and requests in flight get the configured
   * grace; then everything else stops. Resolves when all has stopped.
   */
  stop(signal: string, delayMs: number): Promise<void>;
}

function certificateSource(certificate: ServingCertificate) {
  switch (certificate.source) {
    case 'files':
      return fileCertificateSource(certificate.certFile, certificate.keyFile);
    case 'dev':
      return devCertificateSource(certificate.dir);
    case 'none':
      return undefined;
  }
}

/** Builds every part the config asks for, serves, and starts the watches and loops. */
export async function startWebhook(config: ServeConfig): Promise<RunningWebhook> {
  // Checked before anything starts: an election with no namespace for its Lease is refused at once.
  const hasLoops = config.auditIntervalMs !== undefined || config.leaderIntervalMs !== undefined;
  // One connection to the API server (read lazily: nothing is read until a part asks) for every part.
  const connection = apiConnection();
  const election = config.leaderElection && hasLoops ? electionOf(config.leaderElection, connection) : undefined;
  const certificates = await certificateSource(config.certificate);
  const metrics = webhookMetrics();
  if (certificates) {
    metrics.certificateExpiry.set(certificateExpirySeconds(certificates.current().cert));
    certificates.onChange((pair) => metrics.certificateExpiry.set(certificateExpirySeconds(pair.cert)));
  }
  let audit: ClusterAudit | undefined;
  const policies = await policyStore(
    config.policiesDir,
    (result) => {
      metrics.policyReloads.inc({ result });
      if (result === 'success') audit?.trigger();
    },
    config.watchClusterPolicies ? kubernetesClusterPolicyWatch(connection) : undefined,
  );
  const cluster = kubernetesClusterReads({
    connection,
    services: config.checkServices,
    configMaps: config.checkConfigFiles,
    disruptionBudgets: config.auditIntervalMs !== undefined,
    onRead: (object) => metrics.apiReads.inc({ object }),
  });
  const labeledStatefulSets = config.watchStatefulSets ? watchedLabeledStatefulSets(connection) : undefined;
  const watched = {
    ...(labeledStatefulSets ? { labeledStatefulSets } : {}),
    ...(config.checkServices ? { services: watchedServices(connection) } : {}),
  };
  let shuttingDown = false;
  let listenerClosed = false;
  const handler = (endpoint: 'mutate' | 'validate', known: typeof watched) =>
    withLogging(
      endpoint,
      withMetrics(
        endpoint,
        metrics,
        admissionHandler(endpoint, () => policies.current(), cluster, known),
      ),
    );
  const app = admissionApp(
    { mutate: handler('mutate', {}), validate: handler('validate', watched) },
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
  const server: Server = certificates
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
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  log('info', 'serving', { port, host: config.host });
  // Attached once serving: until a watch has listed, admissions read what it would hold through the API.
  void watched.labeledStatefulSets?.start();
  void watched.services?.start();
  // The background loops; with --leader-elect only the replica holding the Lease runs them.
  const controllers: Controller[] = [];
  const auditIntervalMs = config.auditIntervalMs;
  if (labeledStatefulSets && auditIntervalMs !== undefined)
    controllers.push({
      name: 'audit',
      start: () => {
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
          publisher: kubernetesReportPublisher(connection),
          intervalMs: auditIntervalMs,
          onRun: auditRecorder(metrics),
        });
        return audit;
      },
    });
  const leaderIntervalMs = config.leaderIntervalMs;
  if (labeledStatefulSets && leaderIntervalMs !== undefined)
    controllers.push({
      name: 'leader-labels',
      start: () => {
        // The pods, for the members of each group: watched while this replica labels, not before.
        const pods = watchedPods(connection);
        void pods.start();
        const labeler = leaderLabeler({
          connection,
          statefulSets: labeledStatefulSets,
          pods,
          intervalMs: leaderIntervalMs,
          onRound: leaderRecorder(metrics),
        });
        return {
          close: () => {
            labeler.close();
            pods.close();
          },
        };
      },
    });
  const manager = controllerManager(controllers, {
    ...(election ? { elect: election.elect } : {}),
    onLeading: (leading, names) => {
      metrics.leading.set(leading ? 1 : 0);
      if (!leading) audit = undefined;
      if (election)
        log('info', leading ? 'leading: background loops started' : 'not leading: background loops stopped', {
          identity: election.identity,
          controllers: names,
        });
    },
  });

  return {
    port,
    stop: (signal, delayMs) => {
      shuttingDown = true;
      log('info', 'shutting down: readiness off; the listener closes after the delay', { signal, delaySeconds: delayMs / 1000 });
      // The loops stop now and the Lease is given up, so another replica takes them over without waiting.
      const managerClosed = manager.close();
      // API servers keep sending to this pod until its endpoint is removed, which follows the failing
      // readiness probe with some lag: until then, keep accepting and answering.
      return new Promise<void>((resolve) => {
        setTimeout(() => {
          listenerClosed = true;
          log('info', 'listener closed; finishing requests in flight', { graceSeconds: config.shutdownGraceMs / 1000 });
          const deadline = setTimeout(() => server.closeAllConnections(), config.shutdownGraceMs);
          deadline.unref();
          server.close(() => {
            certificates?.close();
            policies.close();
            watched.labeledStatefulSets?.close();
            watched.services?.close();
            void managerClosed.then(resolve);
          });
          server.closeIdleConnections();
        }, delayMs);
      });
    },
  };
}

/** The election for --leader-elect: this replica, known by its pod name and a suffix unique to this start. */
function electionOf(config: LeaderElectionConfig, connection: ApiConnection) {
  const namespace = config.namespace ?? podNamespace();
  if (namespace === undefined)
    throw new Error(
      "--leader-elect-resource-namespace: found none, and not running in a pod (no service account namespace); name the Lease's namespace",
    );
  const identity = `${hostname()}_${randomUUID()}`;
  const elect = (leadership: Leadership) =>
    leaseElection({
      connection,
      namespace,
      name: config.name,
      identity,
      leaseDurationMs: config.leaseDurationMs,
      renewDeadlineMs: config.renewDeadlineMs,
      retryPeriodMs: config.retryPeriodMs,
      ...leadership,
      onTrouble: (error) => log('warn', 'Lease not taken or renewed; tried again', { identity, error }),
    });
  return { identity, elect };
}
