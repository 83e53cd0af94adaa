import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import type { CheckResult } from './checkResult.js';
import { discoverStatefulSet, type StatefulSetGroup } from './discoverStatefulSet.js';
import { errorMessage } from '../../wire/errorMessage.js';
import { defaultPolicy } from '../../core/policy/defaultPolicy.js';
import { durationMs, portNumber } from '../flags.js';
import { formatReportJson, formatReportText, type Report } from './formatReport.js';
import { kubernetesApis } from './kubernetesApis.js';
import type { Member } from './member.js';
import { parseEndpoints } from './parseEndpoints.js';
import { recordOutcome } from './recordOutcome.js';
import type { ReplicationOutcome } from './replicationOutcome.js';
import { verifyUntilDeadline, type Discovery } from './verifyUntilDeadline.js';
import { dataMarkerAnnotation } from '../../wire/replicationNames.js';
import { wiredSentinel } from '../../core/rules/wiredInitContainer.js';

const help = `Usage: redis-replication-webhook verify (--namespace NS --statefulset NAME | --endpoints LIST) [options]

The promotion check: verifies that a replication group works. Pod 0 must answer ROLE as master (with
failover.mode sentinel: exactly one member, any of them) and count every other member as a connected
replica; every other member must replicate from it with its link up and its sync finished; a canary key written to the leader must be read back from every
follower, and is deleted afterwards. Waits, retrying with backoff, until everything holds or the
timeout passes.

Members:
  --namespace NS, -n NS    namespace of the StatefulSet
  --statefulset NAME       read the StatefulSet and its pods through the Kubernetes API; members
                           are the pods' IPs, leader and followers by ordinal (by role when the
                           webhook injected Sentinel failover)
  --kubeconfig FILE        kubeconfig to use (default: in-cluster config, KUBECONFIG, ~/.kube/config)
  --cluster-domain D       cluster DNS domain in pod 0's DNS name (default ${defaultPolicy.clusterDomain})
  --endpoints LIST         host:port,host:port,... with pod 0 first, for use outside a cluster
  --port N                 Redis port (default: the port the webhook configured, else ${defaultPolicy.port}; with
                           --endpoints, for entries without a port)
  --leader-alias NAME      with --endpoints: another name of pod 0 that followers may follow, such as
                           its DNS name when the endpoints are port-forwards (repeatable)
  --alias ENDPOINT=NAME    with --endpoints: another name of the member at ENDPOINT (as written in
                           --endpoints) that followers may follow (repeatable)
  --any-leader             with --endpoints: the member that answers as master leads, not
                           necessarily the first (groups with Sentinel failover)
  --sentinel NAME          with --endpoints: also check the Sentinel beside every member (on the
                           member's host) for master NAME: it names the leader, and SENTINEL
                           CKQUORUM passes; implies --any-leader. With --statefulset this is
                           automatic when the webhook injected Sentinel failover
  --sentinel-port N        with --sentinel: the Sentinels' port (default ${defaultPolicy.failover.sentinel.port})

Options:
  --timeout DURATION       how long to wait for pods and links to come up: 90s, 3m, or a
                           number of seconds (default 180)
  --max-lag DURATION       how long the canary may take to reach every follower (default 5)
  --output text|json       a summary for people (default) or one JSON object
  --no-record              with --statefulset: leave the cluster untouched; otherwise the pods get
                           the label redis-replication/role=leader|follower, and the StatefulSet the
                           annotation redis-replication/verified and an Event
  -h, --help               show this help

Environment:
  REDIS_PASSWORD           the group's password (the Secret named by the policy's auth); never printed

Exit codes:
  0  replication works: every check passed
  1  replication is wrong, or a member stayed unreachable until the timeout; the report names the
     member, what was expected and what was found
  2  the check could not be made: bad flags, a Kubernetes API error, a password that does not fit,
     or the outcome could not be recorded
`;

const options = {
  namespace: { type: 'string', short: 'n' },
  statefulset: { type: 'string' },
  kubeconfig: { type: 'string' },
  'cluster-domain': { type: 'string', default: defaultPolicy.clusterDomain },
  endpoints: { type: 'string' },
  port: { type: 'string' },
  'leader-alias': { type: 'string', multiple: true },
  alias: { type: 'string', multiple: true },
  sentinel: { type: 'string' },
  'sentinel-port': { type: 'string' },
  'any-leader': { type: 'boolean' },
  timeout: { type: 'string', default: '180' },
  'max-lag': { type: 'string', default: '5' },
  output: { type: 'string', default: 'text' },
  'no-record': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h' },
} as const;

// A member that stops answering mid-command must not stall the run; WAIT gets the canary's lag on top.
const replyTimeoutMs = 3_000;

type Values = ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];

/** Where the members come from, and, for a StatefulSet, how the outcome goes back onto the cluster. */
interface Target {
  description: string;
  discover: () => Promise<Discovery>;
  record?: (members: Member[], results: readonly CheckResult[], outcome: ReplicationOutcome, marker: string | undefined) => Promise<void>;
}

async function statefulSetTarget(values: Values, portFlag: number | undefined): Promise<Target> {
  const name = values.statefulset;
  const namespace = values.namespace;
  if (name === undefined || namespace === undefined) throw new Error('expected --namespace NS --statefulset NAME, or --endpoints LIST; see --help');
  const apis = await kubernetesApis(values.kubeconfig);
  const memberOptions = { namespace, clusterDomain: values['cluster-domain'], ...(portFlag === undefined ? {} : { port: portFlag }) };
  // The verdict is about the pods of the last discovery, so those are the ones labelled.
  let group: StatefulSetGroup | undefined;
  const discover = async (): Promise<Discovery> => {
    group = await discoverStatefulSet(apis, name, memberOptions);
    const expectedMarker = group.statefulSet.metadata?.annotations?.[dataMarkerAnnotation];
    const sentinel = wiredSentinel(group.statefulSet);
    return {
      members: group.members,
      ...(expectedMarker === undefined ? {} : { expectedMarker }),
      ...(sentinel ? { anyLeader: true, sentinel } : {}),
    };
  };
  // The members in the order checked: the role labels follow the leader found, not the ordinals.
  const record = async (members: Member[], results: readonly CheckResult[], outcome: ReplicationOutcome, marker: string | undefined) => {
    if (group) await recordOutcome(apis, { ...group, members }, results, outcome, new Date(), marker);
  };
  return { description: `StatefulSet ${namespace}/${name}`, discover, ...(values['no-record'] ? {} : { record }) };
}

/** `--alias ENDPOINT=NAME`, repeatable: the names by endpoint. */
function endpointAliases(flags: readonly string[]): Map<string, string[]> {
  const aliases = new Map<string, string[]>();
  for (const flag of flags) {
    const at = flag.lastIndexOf('=');
    if (at <= 0 || at === flag.length - 1) throw new Error(`--alias: found "${flag}"; expected ENDPOINT=NAME, such as 10.0.0.5:6379=cache-1.cache`);
    const endpoint = flag.slice(0, at);
    aliases.set(endpoint, [...(aliases.get(endpoint) ?? []), flag.slice(at + 1)]);
  }
  return aliases;
}

async function target(values: Values): Promise<Target> {
  const portFlag = values.port === undefined ? undefined : portNumber('port', values.port);
  if (values.endpoints === undefined) {
    for (const flag of ['leader-alias', 'alias', 'any-leader', 'sentinel', 'sentinel-port'] as const) {
      if (values[flag] !== undefined) throw new Error(`--${flag}: goes with --endpoints; with --statefulset the pods are known by their DNS names`);
    }
    return statefulSetTarget(values, portFlag);
  }
  for (const flag of ['statefulset', 'namespace', 'kubeconfig'] as const) {
    if (values[flag] !== undefined) throw new Error(`--${flag}: goes with --statefulset; found it with --endpoints, which reads no cluster`);
  }
  const [leader, ...followers] = parseEndpoints(values.endpoints, portFlag ?? defaultPolicy.port);
  const aliases = endpointAliases(values.alias ?? []);
  const unknown = [...aliases.keys()].find((endpoint) => ![leader, ...followers].some((m) => m?.name === endpoint));
  if (unknown !== undefined) throw new Error(`--alias: found endpoint "${unknown}", which --endpoints does not list`);
  const withAliases = (m: Member, extra: string[] = []): Member => ({ ...m, aliases: [...extra, ...(aliases.get(m.name) ?? [])] });
  const members = leader ? [withAliases(leader, values['leader-alias']), ...followers.map((m) => withAliases(m))] : [];
  const masterName = values.sentinel;
  const sentinel =
    masterName === undefined
      ? undefined
      : { masterName, port: portNumber('sentinel-port', values['sentinel-port'] ?? String(defaultPolicy.failover.sentinel.port)) };
  if (sentinel === undefined && values['sentinel-port'] !== undefined) throw new Error('--sentinel-port: goes with --sentinel NAME');
  const anyLeader = values['any-leader'] === true || sentinel !== undefined;
  const discovery: Discovery = { members, ...(anyLeader ? { anyLeader } : {}), ...(sentinel ? { sentinel } : {}) };
  return { description: `endpoints ${values.endpoints}`, discover: () => Promise.resolve(discovery) };
}

async function verify(values: Values): Promise<number> {
  const json = values.output === 'json';
  // Whole milliseconds, at least 1: WAIT takes an integer, and 0 would make it wait forever.
  const timeoutMs = durationMs('timeout', values.timeout, 1);
  const maxLagMs = durationMs('max-lag', values['max-lag'], 1);
  const chosen = await target(values);
  // Empty counts as unset, as in the init script, which then configures no password.
  const password = process.env.REDIS_PASSWORD || undefined;
  const started = Date.now();
  // The log shows what is being waited for, once each time it changes.
  let lastWaitedFor = '';
  const onRetry = (waiting: ReplicationOutcome) => {
    if (waiting.summary !== lastWaitedFor) process.stderr.write(`waiting, retrying until the timeout: ${waiting.summary}\n`);
    lastWaitedFor = waiting.summary;
  };
  const { members, results, outcome, marker } = await verifyUntilDeadline(
    chosen.discover,
    { ...(password === undefined ? {} : { password }), replyTimeoutMs: replyTimeoutMs + maxLagMs, maxLagMs },
    { timeoutMs, onRetry },
  );
  const recordError = await chosen.record?.(members, results, outcome, marker).then(
    () => undefined,
    (error: unknown) => errorMessage(error),
  );
  const report: Report = {
    target: chosen.description,
    members,
    results,
    outcome,
    elapsedMs: Date.now() - started,
    ...(recordError === undefined ? {} : { recordError }),
  };
  process.stdout.write(json ? formatReportJson(report) : formatReportText(report));
  if (recordError !== undefined) return 2;
  return outcome.result === 'passed' ? 0 : 1;
}

export const verifyCommand: Command = {
  async run(argv) {
    let json = false;
    try {
      const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
      if (values.help) {
        process.stdout.write(help);
        return 0;
      }
      if (values.output !== 'text' && values.output !== 'json') throw new Error(`--output: found "${values.output}"; expected text or json`);
      json = values.output === 'json';
      return await verify(values);
    } catch (error) {
      const message = errorMessage(error);
      if (json) process.stdout.write(JSON.stringify({ result: 'error', error: message }) + '\n');
      else process.stderr.write(`redis-replication-webhook verify: ${message}\n`);
      return 2;
    }
  },
};
