import { Redis } from 'ioredis';
import { errorMessage } from '../../wire/errorMessage.js';
import { memberAddress, type Member } from './member.js';
import { redisAnswer } from './redisAnswer.js';
import type { RedisAnswer } from './replicationFacts.js';

export interface ConnectionOptions {
  /** From REDIS_PASSWORD; never printed. */
  password?: string;
  connectTimeoutMs: number;
  /** How long a member may stay silent while a reply is due. */
  replyTimeoutMs: number;
}

export type MemberConnection = { client: Redis } | { error: string };

/**
 * Why the verifier's own credentials do not fit the member, or undefined when the error is something
 * else. Waiting cannot fix credentials, so this ends the run (exit 2) instead of counting as a failed check.
 */
function credentialsProblem(member: Member, error: unknown): Error | undefined {
  const message = errorMessage(error);
  const who = `${member.name} (${memberAddress(member)})`;
  if (message.startsWith('WRONGPASS'))
    return new Error(`${who}: expected the password in REDIS_PASSWORD to be accepted; found it rejected (WRONGPASS)`);
  if (message.startsWith('NOAUTH'))
    return new Error(`${who}: expected REDIS_PASSWORD to be set, as the server requires a password; found it unset (NOAUTH)`);
  if (/without any password configured/i.test(message)) {
    return new Error(`${who}: expected a server requiring the password in REDIS_PASSWORD; found it has no password configured`);
  }
  return undefined;
}

/**
 * Connects to one member and authenticates. A member that cannot be reached is an answer (`error`),
 * as the run may wait for it; credentials that do not fit reject.
 */
export async function connectMember(member: Member, options: ConnectionOptions): Promise<MemberConnection> {
  if (member.host === undefined) return { error: member.absence ?? 'no address' };
  const client = new Redis({
    host: member.host,
    port: member.port,
    lazyConnect: true,
    // No reconnecting and no queueing: each attempt of the run opens fresh connections.
    retryStrategy: () => null,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Its INFO would meet NOAUTH before the AUTH below could run.
    enableReadyCheck: false,
    // CLIENT SETINFO needs Redis 7.2; on older servers its error leaves a command timer that delays exit.
    disableClientInfo: true,
    connectTimeout: options.connectTimeoutMs,
    // Not commandTimeout: ioredis leaves its timer running after an error reply, delaying exit by that long.
    socketTimeout: options.replyTimeoutMs,
  });
  let lastError: string | undefined;
  // ioredis reports connection failures as events; the rejected promise only says "Connection is closed".
  client.on('error', (error: Error) => {
    lastError = error.message;
  });
  try {
    await client.connect();
    // AUTH by hand, not ioredis's password option, which only logs a warning when the server has no password.
    if (options.password !== undefined) await client.auth(options.password);
    return { client };
  } catch (error) {
    // Only an open connection is ended: on a closed one ioredis would arm a 2 s timer that keeps the process alive.
    if (client.status !== 'end') client.disconnect();
    const problem = credentialsProblem(member, error);
    if (problem) throw problem;
    return { error: lastError ?? errorMessage(error) };
  }
}

/** `ROLE` and `INFO replication` of a connected member, as facts. */
export async function readRedisAnswer(member: Member, connection: MemberConnection): Promise<RedisAnswer> {
  if ('error' in connection) return { answered: false, error: connection.error };
  try {
    const [role, info] = await Promise.all([connection.client.call('ROLE'), connection.client.info('replication')]);
    return redisAnswer(role, info);
  } catch (error) {
    const problem = credentialsProblem(member, error);
    if (problem) throw problem;
    return { answered: false, error: errorMessage(error) };
  }
}
