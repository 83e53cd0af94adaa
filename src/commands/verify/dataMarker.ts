import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { errorMessage } from '../../wire/errorMessage.js';
import { dataMarkerKey } from '../../wire/replicationNames.js';
import type { MarkerFacts } from './replicationFacts.js';

/**
 * Reads the group's data marker from the leader. With none recorded (`expected` undefined) and none on
 * the leader, sets one (`SET NX`, no expiry): the first passing check marks the data it vouched for. With
 * one recorded, never writes: a leader without it lost the data the marker was written into.
 */
export async function markData(leader: Redis, expected: string | undefined, now: Date): Promise<MarkerFacts> {
  try {
    const found = (await leader.get(dataMarkerKey)) ?? undefined;
    if (found !== undefined || expected !== undefined)
      return { ...(expected === undefined ? {} : { expected }), ...(found === undefined ? {} : { found }) };
    const value = `${randomUUID()} ${now.toISOString()}`;
    // NX: two checks racing keep one marker, the first; the value read back is the one in force.
    await leader.set(dataMarkerKey, value, 'NX');
    const kept = (await leader.get(dataMarkerKey)) ?? undefined;
    return { ...(kept === undefined ? {} : { found: kept }), written: kept === value };
  } catch (error) {
    return { error: errorMessage(error) };
  }
}
