import type { LeaseElection } from '../kubernetes/leaseElection.js';

/** A background loop of `serve`: started when this replica may run it, closed when it no longer may. */
export interface Controller {
  name: string;
  start(): { close(): void };
}

/** The callbacks an election calls as this replica takes and loses the Lease. */
export interface Leadership {
  onStartedLeading(): void;
  onStoppedLeading(): void;
}

/**
 * Runs every controller on this replica: at once, or, given an election, only while this replica holds its
 * Lease, so N replicas of the webhook audit, publish and label once, not N times. The admission path does
 * not pass through here: every replica answers reviews.
 */
export function controllerManager(
  controllers: readonly Controller[],
  options: { elect?: (leadership: Leadership) => LeaseElection; onLeading?: (leading: boolean, controllers: string[]) => void } = {},
): { close(): Promise<void> } {
  let running: { close(): void }[] = [];
  const names = controllers.map((c) => c.name);
  const leadership: Leadership = {
    onStartedLeading: () => {
      running = controllers.map((c) => c.start());
      options.onLeading?.(true, names);
    },
    onStoppedLeading: () => {
      for (const controller of running) controller.close();
      running = [];
      options.onLeading?.(false, names);
    },
  };
  const election = options.elect?.(leadership);
  if (!election) leadership.onStartedLeading();
  return {
    close: async () => {
      if (election) await election.close();
      else leadership.onStoppedLeading();
    },
  };
}
