import { errorMessage } from '../../wire/errorMessage.js';
import type { Member } from './member.js';
import { connectMember, type ConnectionOptions } from './memberConnection.js';
import type { SentinelFacts } from './replicationFacts.js';

/** Where the group's Sentinels listen, and the master's name for them. */
export interface SentinelTarget {
  masterName: string;
  port: number;
}

/**
 * Asks the Sentinel beside every member (the member's host, the Sentinel port) which master it knows,
 * whether it could authorize a failover (`SENTINEL CKQUORUM`), how many other Sentinels and followers it counts,
 * with the group's password. A Sentinel that
 * cannot be asked is a fact; credentials that do not fit reject, as for Redis.
 */
export async function sentinelRound(members: readonly Member[], target: SentinelTarget, options: ConnectionOptions): Promise<SentinelFacts[]> {
  return Promise.all(
    members.map(async (member): Promise<SentinelFacts> => {
      const connection = await connectMember({ ...member, port: target.port }, options);
      if ('error' in connection) return { member: member.name, error: connection.error };
      try {
        const address = (await connection.client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', target.masterName)) as [string, string] | null;
        const quorum = await connection.client.call('SENTINEL', 'CKQUORUM', target.masterName).then(
          (reply) => String(reply),
          (error: unknown) => errorMessage(error),
        );
        // How many other Sentinels it counts: after a scale down, the removed ones still count until reset.
        const fields = (await connection.client.call('SENTINEL', 'MASTER', target.masterName).catch(() => [])) as string[];
        const field = (name: string) => (fields.includes(name) ? Number(fields[fields.indexOf(name) + 1]) : Number.NaN);
        const others = field('num-other-sentinels');
        const followers = field('num-slaves');
        return {
          member: member.name,
          ...(address ? { master: { host: address[0], port: Number(address[1]) } } : {}),
          quorum,
          ...(Number.isInteger(others) ? { otherSentinels: others } : {}),
          ...(Number.isInteger(followers) ? { followers } : {}),
        };
      } catch (error) {
        return { member: member.name, error: errorMessage(error) };
      } finally {
        connection.client.disconnect();
      }
    }),
  );
}
