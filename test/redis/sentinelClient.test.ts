import { askMaster, followSwitches } from '../../src/edges/redis/sentinelClient.js';
import { eventually } from '../fixtures/eventually.js';
import { oneLeader, sentinelCall, sentinelPort, startGroup, stopGroups } from '../fixtures/sentinelGroup.js';

// What the leader labels ask of a group's Sentinels, against real Sentinels run as stored (the role
// script's observer user): who the master is, and each Sentinel's announcement of a failover.

afterEach(stopGroups);

// As the Sentinels announce it: the pod's DNS name, fully qualified.
const dnsName = (pod: string) => `${pod}.cache-headless.default.svc.cluster.local.`;

test('every Sentinel names the master to the observer, and each announces the switch of a failover', async () => {
  const { pods } = await startGroup();
  const leader = await oneLeader(pods);
  for (const pod of pods.pods) expect(await askMaster(pod.address, sentinelPort, 'cache', 5_000)).toBe(dnsName(leader));
  await expect(askMaster(pods.pods[0].address, sentinelPort, 'other', 5_000)).rejects.toThrow('knows no master named other');

  const heard: string[] = [];
  const follows = pods.pods.map((pod) =>
    followSwitches(
      pod.address,
      sentinelPort,
      'cache',
      { onSwitch: (master) => heard.push(`${pod.name}: ${master}`), onEnd: (error) => heard.push(`${pod.name} ended: ${error.message}`) },
      5_000,
    ),
  );
  try {
    await Promise.all(follows.map((f) => f.subscribed));
    await sentinelCall(pods, 0, ['SENTINEL', 'FAILOVER', 'cache']);
    await eventually(() => (heard.length >= pods.pods.length ? true : undefined), 60_000, 'every Sentinel announcing the switch');
    const newLeader = await oneLeader(pods);
    expect(newLeader).not.toBe(leader);
    expect(heard.sort()).toEqual(pods.pods.map((pod) => `${pod.name}: ${dnsName(newLeader)}`).sort());
  } finally {
    for (const follow of follows) follow.close();
  }
}, 180_000);
