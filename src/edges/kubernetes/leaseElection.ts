import type { V1Lease } from '@kubernetes/client-node';
import { ApiError, type ApiConnection } from './apiConnection.js';
import { errorMessage } from '../../wire/errorMessage.js';

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it: the holder
 * renews every retry period; another replica takes the Lease over once it has seen no renewal for the
 * lease duration, timed by its own clock from when it last saw the Lease change (so clocks that disagree do
 * not matter); a holder that cannot renew within the renew deadline stops leading before anyone may take
 * over. Every write carries the resourceVersion read, so two replicas racing cannot both win.
 */
export interface LeaseElectionOptions {
  connection: ApiConnection;
  namespace: string;
  name: string;
  /** This replica, as the Lease's holderIdentity shows it. */
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  onStartedLeading(): void;
  onStoppedLeading(): void;
  /** A try that failed for a reason other than another holder (the API unreachable, no permission), when it changes. */
  onTrouble?(error: string): void;
  now?: () => number;
}

export interface LeaseElection {
  leading(): boolean;
  /** Stops trying; a holder gives the Lease up, so another replica takes over at its next try. */
  close(): Promise<void>;
}

/** MicroTime as the API server parses it: RFC 3339 with six fractional digits. */
const microTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');

export function leaseElection(options: LeaseElectionOptions): LeaseElection {
  const now = options.now ?? Date.now;
  const path = `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(options.namespace)}/leases`;
  let leading = false;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let lastRenewed = 0;
  // What we last saw of the Lease, and when by our clock.
  let observed: { resourceVersion: string; at: number } | undefined;
  let lastTrouble = '';

  const spec = (taking: boolean, current?: V1Lease['spec']) => ({
    holderIdentity: options.identity,
    leaseDurationSeconds: Math.ceil(options.leaseDurationMs / 1000),
    acquireTime: taking ? microTime(now()) : current?.acquireTime,
    renewTime: microTime(now()),
    leaseTransitions: (current?.leaseTransitions ?? 0) + (taking && current?.holderIdentity ? 1 : 0),
  });

  /** One try; true when we hold the Lease afterwards. */
  async function tryAcquireOrRenew(): Promise<boolean> {
    let lease: V1Lease;
    try {
      lease = await options.connection.get<V1Lease>(`${path}/${encodeURIComponent(options.name)}`);
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 404)) throw error;
      await options.connection.create(path, {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: options.name, namespace: options.namespace },
        spec: spec(true),
      });
      return true;
    }
    const resourceVersion = lease.metadata?.resourceVersion ?? '';
    if (observed?.resourceVersion !== resourceVersion) observed = { resourceVersion, at: now() };
    const holder = lease.spec?.holderIdentity ?? '';
    const ours = holder === options.identity;
    const durationMs = (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
    if (!ours && holder !== '' && now() < observed.at + durationMs) return false;
    await options.connection.replace(`${path}/${encodeURIComponent(options.name)}`, {
      ...lease,
      metadata: { ...lease.metadata, resourceVersion },
      spec: spec(!ours, lease.spec),
    });
    return true;
  }

  const setLeading = (value: boolean) => {
    if (value === leading) return;
    leading = value;
    if (value) options.onStartedLeading();
    else options.onStoppedLeading();
  };

  async function round(): Promise<void> {
    try {
      const held = await tryAcquireOrRenew();
      if (held) lastRenewed = now();
      lastTrouble = '';
      setLeading(held);
    } catch (error) {
      // A conflict is another replica's write between our read and ours: the next try sees it.
      const conflict = error instanceof ApiError && error.code === 409;
      const trouble = conflict
        ? ''
        : `${options.namespace}/${options.name}: ${errorMessage(error)}${error instanceof ApiError ? ` ${error.body}` : ''}`;
      if (trouble !== '' && trouble !== lastTrouble) options.onTrouble?.(trouble);
      lastTrouble = trouble;
      // Not renewed within the deadline: stop before the lease duration lets another replica take over.
      if (leading && now() - lastRenewed >= options.renewDeadlineMs) setLeading(false);
    }
    if (!closed) timer = setTimeout(() => void round(), options.retryPeriodMs);
  }
  timer = setTimeout(() => void round(), 0);

  return {
    leading: () => leading,
    async close() {
      closed = true;
      clearTimeout(timer);
      if (!leading) return;
      setLeading(false);
      // Given up (no holder, renewed now): the next replica to try takes it without waiting out the duration.
      try {
        const lease = await options.connection.get<V1Lease>(`${path}/${encodeURIComponent(options.name)}`);
        if (lease.spec?.holderIdentity === options.identity)
          await options.connection.replace(`${path}/${encodeURIComponent(options.name)}`, {
            ...lease,
            spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(now()) },
          });
      } catch (error) {
        options.onTrouble?.(`${options.namespace}/${options.name}: not given up: ${errorMessage(error)}`);
      }
    },
  };
}
