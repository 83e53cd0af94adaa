import { controllerManager, type Controller, type Leadership } from './controllerManager.js';
import type { LeaseElection } from '../kubernetes/leaseElection.js';

function recordingControllers(events: string[]): Controller[] {
  return ['audit', 'leader-labels'].map((name) => ({
    name,
    start: () => {
      events.push(`start ${name}`);
      return { close: () => events.push(`close ${name}`) };
    },
  }));
}

test('without an election the controllers run at once, and close with the manager', async () => {
  const events: string[] = [];
  const manager = controllerManager(recordingControllers(events), { onLeading: (leading) => events.push(`leading ${leading}`) });
  expect(events).toEqual(['start audit', 'start leader-labels', 'leading true']);
  await manager.close();
  expect(events.slice(3)).toEqual(['close audit', 'close leader-labels', 'leading false']);
});

test('with an election they run only while this replica leads, as often as it takes the Lease again', async () => {
  const events: string[] = [];
  let leadership: Leadership | undefined;
  const election: LeaseElection = {
    leading: () => false,
    close: () => {
      leadership?.onStoppedLeading();
      return Promise.resolve();
    },
  };
  const manager = controllerManager(recordingControllers(events), {
    elect: (given) => {
      leadership = given;
      return election;
    },
  });
  expect(events).toEqual([]);
  leadership!.onStartedLeading();
  leadership!.onStoppedLeading();
  leadership!.onStartedLeading();
  expect(events).toEqual(['start audit', 'start leader-labels', 'close audit', 'close leader-labels', 'start audit', 'start leader-labels']);
  await manager.close();
  expect(events.slice(6)).toEqual(['close audit', 'close leader-labels']);
});
