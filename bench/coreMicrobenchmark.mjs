// The core's own CPU time: reviewAdmission called in a loop in this process, no HTTP, no JSON parsing.
import { defaultPolicy, reviewAdmission } from '../dist/index.js';

const context = { policies: [defaultPolicy] };

/** CPU microseconds per call of `work`, after a warm-up so the JIT has settled. */
function cpuMicrosPerCall(work, { warmup = 2000, minMillis = 1000 } = {}) {
  for (let i = 0; i < warmup; i++) work();
  let calls = 0;
  const before = process.cpuUsage();
  const started = performance.now();
  while (performance.now() - started < minMillis) {
    for (let i = 0; i < 100; i++) work();
    calls += 100;
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

/** Per size: µs per mutate review, per validate review, and for both (one admission as the API server runs it). */
export function coreMicrobenchmark(reviews) {
  return Object.fromEntries(
    Object.entries(reviews).map(([size, { mutate, validate }]) => {
      const runMutate = () => reviewAdmission('mutate', mutate.review, context);
      const runValidate = () => reviewAdmission('validate', validate.review, context);
      return [
        size,
        {
          mutate: cpuMicrosPerCall(runMutate),
          validate: cpuMicrosPerCall(runValidate),
          both: cpuMicrosPerCall(() => {
            runMutate();
            runValidate();
          }),
        },
      ];
    }),
  );
}
