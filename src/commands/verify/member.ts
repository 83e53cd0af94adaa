/** One Redis server of the replication group, as discovery found it: pod 0 first; the check puts the leader first. */
export interface Member {
  /** The pod name, or the endpoint as given on the command line. */
  name: string;
  /** Where it answers; absent while it has none (the pod does not exist or has no IP yet). */
  host?: string;
  port: number;
  /** Why there is no host, for the report. */
  absence?: string;
  /** Other names that reach this member, such as its DNS names: a follower's `replicaof` may use any of them. */
  aliases: string[];
  /** Kubernetes only, for a pod that exists: whether its Ready condition is true. */
  podReady?: boolean;
}

export function memberAddress(member: Member): string {
  return `${member.host ?? '(no address)'}:${member.port}`;
}
