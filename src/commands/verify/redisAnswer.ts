import type { RedisAnswer } from './replicationFacts.js';

/** `INFO` text as fields: `key:value` lines, section headers and blank lines dropped. */
export function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (line.startsWith('#') || colon < 0) continue;
    fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/**
 * A member's answer from its `ROLE` reply and its `INFO replication` text. ROLE gives the role and,
 * for a replica, the leader exactly as configured (`replicaof` may name it by DNS name); INFO gives
 * link, sync and replica-count fields.
 */
export function redisAnswer(roleReply: unknown, replicationInfo: string): RedisAnswer {
  if (!Array.isArray(roleReply) || typeof roleReply[0] !== 'string') {
    return { answered: false, error: `ROLE: expected an array starting with the role; found ${JSON.stringify(roleReply)}` };
  }
  const info = parseInfo(replicationInfo);
  const [role, masterHost, masterPort] = roleReply as unknown[];
  const link = info.get('master_link_status');
  const sync = info.get('master_sync_in_progress');
  const replicas = info.get('connected_slaves');
  return {
    answered: true,
    role: String(role),
    ...(role === 'slave' && typeof masterHost === 'string' ? { master: { host: masterHost, port: Number(masterPort) } } : {}),
    ...(link === undefined ? {} : { linkStatus: link }),
    ...(sync === undefined ? {} : { syncInProgress: sync !== '0' }),
    ...(replicas === undefined ? {} : { connectedReplicas: Number(replicas) }),
  };
}
