import { describeCheck, type CheckResult } from './checkResult.js';

export interface ReplicationOutcome {
  result: 'passed' | 'failed';
  /** One line for annotations, events and the report's head. */
  summary: string;
}

/** Passed only when every check passed; a skipped check is not a pass. */
export function replicationOutcome(results: readonly CheckResult[], memberCount: number): ReplicationOutcome {
  if (results.length === 0) return { result: 'failed', summary: 'no members to check' };
  const unmet = results.filter((r) => r.status !== 'passed');
  if (unmet.length === 0) {
    return { result: 'passed', summary: `all ${results.length} checks passed on ${memberCount} members` };
  }
  const failed = unmet.filter((r) => r.status === 'failed');
  const described = (failed.length > 0 ? failed : unmet).map(describeCheck);
  return { result: 'failed', summary: `${failed.length} of ${results.length} checks failed: ${described.join('; ')}` };
}
