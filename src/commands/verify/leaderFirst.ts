import type { RedisAnswer } from './replicationFacts.js';

/**
 * The order to check members in when any member may lead (Sentinel failover): the one member that
 * answers as master first, the others as discovered. With none or several masters the discovered order
 * stays (pod 0 first), and the checks then name what is wrong: no leader, or a second master.
 * Returns indexes into the discovered members.
 */
export function leaderFirst(answers: readonly RedisAnswer[]): number[] {
  const order = answers.map((_, i) => i);
  const masters = order.filter((i) => {
    const answer = answers[i];
    return answer.answered && answer.role === 'master';
  });
  if (masters.length !== 1) return order;
  return [masters[0], ...order.filter((i) => i !== masters[0])];
}
