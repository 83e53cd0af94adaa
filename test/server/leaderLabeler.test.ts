// @ts-expect-error: the bench's modules are plain JavaScript with no declarations.
import { leaderLabelerScale } from '../../bench/leaderLabelerScale.mjs';

// src/edges/controllers/leaderLabeler.ts (built) against Sentinels played by bench/sentinelStandIn.mjs,
// as `npm run bench -- --leader-labels` runs it at 200 groups: every group labeled from the first round,
// and each announced switch moving its group's label without a round of all groups (those come every hour
// here). The real Sentinels and pods are test/e2e/leaderLabels.test.ts's.
test('every group labeled; each +switch-master moves its group label', async () => {
  const figures = (await leaderLabelerScale({ groups: 5, switches: 5 })) as { sentinels: number; switches: number; moveMaxMs: number };
  expect(figures.sentinels).toBe(15);
  expect(figures.switches).toBe(5);
  // Bounded by the harness's own wait (10 s per switch), which fails first; here: it moved at all.
  expect(figures.moveMaxMs).toBeGreaterThanOrEqual(0);
}, 120_000);
