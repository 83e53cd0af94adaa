import { parseArgs } from 'node:util';
import { auditStatefulSet, type StatefulSetAudit } from '../../core/audit/auditStatefulSet.js';
import type { Command } from '../command.js';
import { errorMessage } from '../../wire/errorMessage.js';
import { loadPolicyDirectory } from '../../edges/files/loadPolicyDirectory.js';
import { policySet } from '../../core/policy/policySet.js';
import type { EffectivePolicy } from '../../core/policy/replicationPolicy.js';
import { auditPassed, auditTextReport } from './auditTextReport.js';
import { readClusterState } from './readClusterState.js';

const help = `Usage: redis-replication-webhook audit [options]

Judges every StatefulSet labeled redis-replication=enabled that the cluster already stores, with the
webhook's own rules: those labeled before the webhook was installed, created while it was down or where
it does not run, or broken by a policy change since. Prints, per StatefulSet, each check that did not
pass with the message the webhook would give: the policy's rules, the choice of a policy, and the wiring
(missing: stored without the mutating webhook; or injected by another version of it).

  redis-replication-webhook audit --policies policies --cluster-policies

Options:
  -n, --namespace NS    audit this namespace only (default: every namespace)
  -A, --all-namespaces  every namespace (the default; for kubectl habits)
  --policies DIR        folder of ReplicationPolicy files, as given to serve (default: none)
  --cluster-policies    also the cluster's ReplicationPolicy objects, as serve --watch-cluster-policies
  --kubeconfig FILE     kubeconfig to use (default: in-cluster config, KUBECONFIG, ~/.kube/config)
  --output FORMAT       text or json (default text)
  -h, --help            show this help

Exit status: 0 no StatefulSet fails a check (warnings allowed), 1 at least one does, 2 the cluster, the
policies or the options could not be read.
`;

const options = {
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A', default: false },
  policies: { type: 'string' },
  'cluster-policies': { type: 'boolean', default: false },
  kubeconfig: { type: 'string' },
  output: { type: 'string', default: 'text' },
  help: { type: 'boolean', short: 'h' },
} as const;

function fail(lines: string[]): number {
  process.stderr.write(`${lines.join('\n  ')}\n`);
  return 2;
}

export const auditCommand: Command = {
  async run(argv) {
    const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
    if (values.help) {
      process.stdout.write(help);
      return 0;
    }
    if (values.output !== 'text' && values.output !== 'json') throw new Error(`--output: found "${values.output}"; allowed text or json`);
    if (values.namespace !== undefined && values['all-namespaces']) throw new Error('--namespace and --all-namespaces: found both; give one');
    let filePolicies: EffectivePolicy[] = [];
    if (values.policies !== undefined) {
      const load = await loadPolicyDirectory(values.policies);
      if (!load.ok) return fail([`audit: cannot load the policies in ${values.policies}:`, ...load.errors]);
      filePolicies = load.policies;
    }
    let state;
    try {
      state = await readClusterState({
        ...(values.kubeconfig === undefined ? {} : { kubeconfig: values.kubeconfig }),
        ...(values.namespace === undefined ? {} : { namespace: values.namespace }),
        clusterPolicies: values['cluster-policies'],
      });
    } catch (error) {
      return fail([`audit: ${errorMessage(error)}`]);
    }
    if (state.clusterPolicies?.ok === false)
      return fail(["audit: the cluster's ReplicationPolicy objects are not valid:", ...state.clusterPolicies.errors]);
    const policies = policySet(filePolicies, state.clusterPolicies?.ok ? state.clusterPolicies.policies : []);
    const audits = state.statefulSets.flatMap((sts): StatefulSetAudit[] => {
      const audit = auditStatefulSet(sts, policies, {
        service: state.serviceOf(sts),
        configMaps: state.configMapsOf(sts),
        disruptionBudgets: state.disruptionBudgetsOf(sts),
      });
      return audit ? [audit] : [];
    });
    const passed = auditPassed(audits);
    const scope = values.namespace === undefined ? 'in every namespace' : `in namespace ${values.namespace}`;
    process.stdout.write(
      values.output === 'json' ? JSON.stringify({ statefulSets: audits, passed }, null, 2) + '\n' : auditTextReport(audits, scope),
    );
    return passed ? 0 : 1;
  },
};
