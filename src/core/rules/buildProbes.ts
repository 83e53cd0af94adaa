import type { V1Probe } from '@kubernetes/client-node';

// A follower is ready only once its link to the leader is up; the leader once it answers.
// redis-cli reads the password from REDISCLI_AUTH, so it never appears in the command line.
const readyCheck = 'out=$(redis-cli -p "$REDIS_PORT" info replication) && printf "%s" "$out" | grep -Eq "^(role:master|master_link_status:up)"';
const sentinelCheck = 'redis-cli -p "$REDIS_SENTINEL_PORT" ping | grep -q "^PONG"';
const aliveCheck = 'redis-cli -p "$REDIS_PORT" ping | grep -Eq "^(PONG|LOADING|MASTERDOWN)"';

/** Probes with every defaultable field set, so the stored object matches and mutation stays idempotent. */
function execProbe(script: string, initialDelaySeconds: number, failureThreshold: number): V1Probe {
  return {
    exec: { command: ['sh', '-c', script] },
    initialDelaySeconds,
    periodSeconds: 10,
    timeoutSeconds: 5,
    successThreshold: 1,
    failureThreshold,
  };
}

export const readinessProbe = (): V1Probe => execProbe(readyCheck, 5, 3);
export const livenessProbe = (): V1Probe => execProbe(aliveCheck, 20, 6);
/** The Sentinel answers: what a Service for Sentinel-aware clients needs of it. */
export const sentinelReadinessProbe = (): V1Probe => execProbe(sentinelCheck, 5, 3);
