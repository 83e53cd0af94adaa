import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { durationMs, portNumber } from '../flags.js';

// `serve`'s flags in one table: the parser's options, the help and the defaults all come from it, so no
// default is written twice. serveConfig turns what was given into the typed config the parts are built from.

interface Flag {
  type: 'string' | 'boolean';
  /** The value's placeholder in the help (`N`, `FILE`, `D`). */
  value?: string;
  default?: string;
  /** Shown in place of the default (a default computed where it runs). */
  shownDefault?: string;
  help: string;
  short?: string;
}

const devCertDirName = 'redis-replication-webhook-dev';

const flags = {
  port: { type: 'string', value: 'N', default: '8443', help: 'port to listen on' },
  host: { type: 'string', value: 'ADDR', default: '0.0.0.0', help: 'address to listen on' },
  'tls-cert-file': { type: 'string', value: 'FILE', help: 'serving certificate (PEM); re-read when it changes on disk' },
  'tls-private-key-file': { type: 'string', value: 'F', help: 'its private key (PEM)' },
  'plain-http': {
    type: 'boolean',
    help: `serve plain HTTP, for a platform that terminates TLS in front of
the webhook (a Knative Service); the API server only calls HTTPS`,
  },
  'dev-cert-dir': {
    type: 'string',
    value: 'DIR',
    shownDefault: `$TMPDIR/${devCertDirName}`,
    help: `without certificate files: where the generated self-signed
certificate (also the CA to trust) is written`,
  },
  policies: {
    type: 'string',
    value: 'DIR',
    shownDefault: 'none, only the built-in policy',
    help: 'folder of ReplicationPolicy files, watched for changes',
  },
  'watch-cluster-policies': {
    type: 'boolean',
    help: `also follow the cluster's ReplicationPolicy objects (in-cluster
config or KUBECONFIG); one replaces a file policy of the same name`,
  },
  'watch-statefulsets': {
    type: 'boolean',
    help: `keep the labeled StatefulSets in memory from a watch (list and watch
statefulsets), so a scale request for any other StatefulSet is
answered without reading it through the API`,
  },
  'check-services': {
    type: 'boolean',
    help: `check each labeled StatefulSet's governing Service (spec.serviceName)
when validating it: one that is not headless is refused, a missing
one warned about; the Services are kept in memory from a watch
(name, clusterIP and type only; list and watch services)`,
  },
  'check-config-files': {
    type: 'boolean',
    help: `read the ConfigMaps a labeled StatefulSet's Redis container mounts
when its start names a config file, on every review of it, so the
file's lines are judged like the redis-replication/config annotation
(get configmaps); a ConfigMap not there yet is warned about`,
  },
  'audit-interval': {
    type: 'string',
    value: 'D',
    help: `audit every labeled StatefulSet the cluster stores and publish one
PolicyReport (wgpolicyk8s.io/v1alpha2) per namespace: after every
change of one, of the policies (or with --check-services of a
Service), and every D (e.g. 10m); implies --watch-statefulsets
(list, create, patch and delete policyreports; their CRD installed;
list poddisruptionbudgets, to report a group none selects)`,
  },
  'label-leaders': {
    type: 'string',
    value: 'D',
    help: `every D (e.g. 1s), label the pods of each group with Sentinel failover
redis-replication/role=leader|follower as a majority of its Sentinels
name the master, so a Service selecting the leader follows a failover;
implies --watch-statefulsets (list pods, patch pods; the webhook must
reach the pods' Sentinel port)`,
  },
  'leader-elect': {
    type: 'boolean',
    help: `run the background loops (--audit-interval, --label-leaders) only on the
replica that holds a coordination.k8s.io Lease, so that N replicas do not
audit, publish and label N times; another takes over when it dies (get,
create and update leases in the Lease's namespace)`,
  },
  'leader-elect-lease-duration': {
    type: 'string',
    value: 'D',
    default: '15s',
    help: 'how long after its last renewal another replica may take the Lease over',
  },
  'leader-elect-renew-deadline': {
    type: 'string',
    value: 'D',
    default: '10s',
    help: 'how long the holder keeps leading while it cannot renew',
  },
  'leader-elect-retry-period': { type: 'string', value: 'D', default: '2s', help: 'how often each replica tries to take or renew the Lease' },
  'leader-elect-resource-name': { type: 'string', value: 'NAME', default: 'redis-replication-webhook', help: "the Lease's name" },
  'leader-elect-resource-namespace': {
    type: 'string',
    value: 'NS',
    shownDefault: "the pod's own",
    help: "the Lease's namespace",
  },
  'shutdown-delay-seconds': {
    type: 'string',
    value: 'D',
    default: '5',
    help: `after SIGTERM, how long to keep serving with readiness off
before closing the listener, so Kubernetes can take the pod
out of the Service's endpoints first (SIGINT: 0)`,
  },
  'shutdown-grace-seconds': {
    type: 'string',
    value: 'D',
    default: '20',
    help: `then, how long requests in flight may take
(D: seconds, or a duration such as 500ms or 1m)`,
  },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
} as const satisfies Record<string, Flag>;

function helpLine(name: string, flag: Flag): string {
  const label = `${flag.short ? `-${flag.short}, ` : ''}--${name}${flag.value ? ` ${flag.value}` : ''}`;
  const lines = flag.help.split('\n');
  const shown = flag.shownDefault ?? flag.default;
  if (shown !== undefined) {
    const last = lines.length - 1;
    // On the last line when it fits in 100 columns, else on a line of its own.
    if (`${lines[last]} (default ${shown})`.length <= 71) lines[last] += ` (default ${shown})`;
    else lines.push(`(default ${shown})`);
  }
  return lines.map((line, i) => `  ${(i === 0 ? label : '').padEnd(26)} ${line}`).join('\n');
}

export const serveHelp = `Usage: redis-replication-webhook serve [options]

Runs the admission webhook over HTTPS: POST /mutate, POST /validate, GET /healthz, GET /readyz,
GET /metrics (Prometheus).

Options:
${Object.entries(flags)
  .map(([name, flag]) => helpLine(name, flag))
  .join('\n')}
`;

/** Where the serving certificate comes from. */
export type ServingCertificate =
  | { source: 'files'; certFile: string; keyFile: string }
  | { source: 'dev'; dir: string }
  /** Behind a platform that terminates TLS (Knative): no certificate of our own. */
  | { source: 'none' };

export interface ServeConfig {
  port: number;
  host: string;
  certificate: ServingCertificate;
  policiesDir: string | undefined;
  watchClusterPolicies: boolean;
  /** Asked for, or implied by the audit or the leader labels, which read the watched copies. */
  watchStatefulSets: boolean;
  checkServices: boolean;
  checkConfigFiles: boolean;
  auditIntervalMs: number | undefined;
  leaderIntervalMs: number | undefined;
  /** Undefined: no election, the loops run on this replica. */
  leaderElection: LeaderElectionConfig | undefined;
  shutdownDelayMs: number;
  shutdownGraceMs: number;
}

export interface LeaderElectionConfig {
  name: string;
  /** Undefined: the pod's own, read where it runs. */
  namespace: string | undefined;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
}

function leaderElectionConfig(values: {
  'leader-elect-lease-duration': string;
  'leader-elect-renew-deadline': string;
  'leader-elect-retry-period': string;
  'leader-elect-resource-name': string;
  'leader-elect-resource-namespace'?: string | undefined;
}): LeaderElectionConfig {
  const leaseDurationMs = durationMs('leader-elect-lease-duration', values['leader-elect-lease-duration'], 1_000);
  const renewDeadlineMs = durationMs('leader-elect-renew-deadline', values['leader-elect-renew-deadline'], 100);
  const retryPeriodMs = durationMs('leader-elect-retry-period', values['leader-elect-retry-period'], 100);
  // As client-go's: the holder must give up before another may take over, and try more than once before it does.
  if (renewDeadlineMs >= leaseDurationMs)
    throw new Error(
      `--leader-elect-renew-deadline: found ${values['leader-elect-renew-deadline']}; allowed less than --leader-elect-lease-duration (${values['leader-elect-lease-duration']})`,
    );
  if (retryPeriodMs >= renewDeadlineMs)
    throw new Error(
      `--leader-elect-retry-period: found ${values['leader-elect-retry-period']}; allowed less than --leader-elect-renew-deadline (${values['leader-elect-renew-deadline']})`,
    );
  return {
    name: values['leader-elect-resource-name'],
    namespace: values['leader-elect-resource-namespace'],
    leaseDurationMs,
    renewDeadlineMs,
    retryPeriodMs,
  };
}

/** The config `serve ARGV` asks for, or 'help'. Throws on a flag it cannot take, naming it. */
export function serveConfig(argv: string[]): ServeConfig | 'help' {
  const { values } = parseArgs({ args: argv, options: flags, strict: true });
  if (values.help) return 'help';
  const certFile = values['tls-cert-file'];
  const keyFile = values['tls-private-key-file'];
  if ((certFile === undefined) !== (keyFile === undefined)) throw new Error('--tls-cert-file and --tls-private-key-file go together');
  if (values['plain-http'] && certFile !== undefined)
    throw new Error('--plain-http: found it with --tls-cert-file; the platform in front holds the certificate');
  const certificate: ServingCertificate = values['plain-http']
    ? { source: 'none' }
    : certFile !== undefined && keyFile !== undefined
      ? { source: 'files', certFile, keyFile }
      : { source: 'dev', dir: values['dev-cert-dir'] ?? join(tmpdir(), devCertDirName) };
  const auditInterval = values['audit-interval'];
  const leaderInterval = values['label-leaders'];
  const auditIntervalMs = auditInterval === undefined ? undefined : durationMs('audit-interval', auditInterval, 1_000);
  const leaderIntervalMs = leaderInterval === undefined ? undefined : durationMs('label-leaders', leaderInterval, 100);
  return {
    port: portNumber('port', values.port, { allowZero: true }),
    host: values.host,
    certificate,
    policiesDir: values.policies,
    watchClusterPolicies: values['watch-cluster-policies'] ?? false,
    watchStatefulSets: (values['watch-statefulsets'] ?? false) || auditIntervalMs !== undefined || leaderIntervalMs !== undefined,
    checkServices: values['check-services'] ?? false,
    checkConfigFiles: values['check-config-files'] ?? false,
    auditIntervalMs,
    leaderIntervalMs,
    leaderElection: values['leader-elect'] ? leaderElectionConfig(values) : undefined,
    shutdownDelayMs: durationMs('shutdown-delay-seconds', values['shutdown-delay-seconds']),
    shutdownGraceMs: durationMs('shutdown-grace-seconds', values['shutdown-grace-seconds']),
  };
}
