// Figures from one or more load runs against the same server, pooled.

/** Exact percentile of sorted samples. */
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Requests per second, latency percentiles (ms) and failures over all runs; cpuMicros is the server's CPU time. */
export function loadFigures(runs, cpuMicros) {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const answered = runs.reduce((sum, r) => sum + r.answered, 0);
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  const sum = (key) => runs.reduce((total, r) => total + r[key], 0);
  return {
    rps: answered / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    p999Ms: percentile(latencies, 99.9),
    cpuMicrosPerRequest: cpuMicros / answered,
    answered,
    failures: { errors: sum('errors'), timeouts: sum('timeouts'), non2xx: sum('non2xx') },
  };
}
