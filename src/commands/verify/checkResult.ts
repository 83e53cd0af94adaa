/** Every check the promotion check makes, by the name it reports. */
export type CheckName =
  | 'reachable'
  | 'pod-ready'
  | 'leader-role'
  | 'leader-replicas'
  | 'follower-role'
  | 'follows-leader'
  | 'link-up'
  | 'sync-finished'
  | 'canary-acknowledged'
  | 'canary-replicated'
  | 'canary-removed'
  | 'data-kept'
  | 'sentinel-names-leader'
  | 'sentinel-quorum'
  | 'sentinel-count'
  | 'sentinel-followers';

/** `skipped`: not attempted because earlier checks failed; it never counts as passed. */
export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  check: CheckName;
  /** The member the check is about, by name. */
  member: string;
  status: CheckStatus;
  expected: string;
  found: string;
}

export function describeCheck(result: CheckResult): string {
  return `${result.member} ${result.check}: expected ${result.expected}; found ${result.found}`;
}
