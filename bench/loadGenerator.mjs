// The load generator, in its own process so it never shares the server's event loop or core.
// Started with fork(): it receives one run's settings over IPC and sends back what it measured.
import autocannon from 'autocannon';

process.once('message', async ({ url, requests, connections, durationSeconds, reconnectRate, overallRate }) => {
  // Every latency, exactly: autocannon's own histogram has whole-millisecond buckets.
  const latencies = [];
  let answered = 0;
  const result = await autocannon({
    url,
    connections,
    duration: durationSeconds,
    requests,
    ...(reconnectRate ? { reconnectRate } : {}),
    ...(overallRate ? { overallRate } : {}),
    setupClient(client) {
      // autocannon leaves the answer that triggers a reconnect out of its counts; 'headers' sees every answer.
      client.on('headers', () => answered++);
      client.on('response', (_status, _bytes, durationMs) => latencies.push(durationMs));
    },
  });
  const measured = {
    answered,
    seconds: (result.finish - result.start) / 1000,
    latencies,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
  process.send(measured, () => process.exit(0));
});
