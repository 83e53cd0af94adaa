// Sentinels for `npm run bench -- --leader-labels`, as many as the bench asks for, in one process: one
// listener on 0.0.0.0:PORT answers every loopback address, 127.1.G.M being member M's Sentinel of group G.
// It speaks what the leader labels ask (AUTH, SENTINEL GET-MASTER-ADDR-BY-NAME, SUBSCRIBE +switch-master)
// and, on the parent's `switch` message, moves a group's master and announces it on every subscription.
import { createServer } from 'node:net';

const port = Number(process.argv[2]);
/** Group index to the ordinal of its master. */
const masters = new Map();
/** Group index to the sockets subscribed to +switch-master. */
const subscribers = new Map();
let subscriptions = 0;

const groupOf = (address) => Number(address.replace(/^::ffff:/, '').split('.')[2]);
const host = (group, ordinal) => `g${group}-${ordinal}.g${group}-headless.bench.svc.cluster.local`;
const bulk = (text) => `$${Buffer.byteLength(text)}\r\n${text}\r\n`;
const array = (items) => `*${items.length}\r\n${items.map(bulk).join('')}`;

/** The commands that have fully arrived (arrays of bulk strings), and what is left of the buffer. */
function commands(buffer) {
  const found = [];
  let at = 0;
  for (;;) {
    const text = buffer.toString('latin1', at);
    const match = /^\*(\d+)\r\n/.exec(text);
    if (!match) break;
    let offset = match[0].length;
    const words = [];
    for (let i = 0; i < Number(match[1]); i++) {
      const head = /^\$(\d+)\r\n/.exec(text.slice(offset));
      if (!head || text.length < offset + head[0].length + Number(head[1]) + 2) return { found, rest: buffer.subarray(at) };
      words.push(text.slice(offset + head[0].length, offset + head[0].length + Number(head[1])));
      offset += head[0].length + Number(head[1]) + 2;
    }
    found.push(words);
    at += offset;
  }
  return { found, rest: buffer.subarray(at) };
}

const server = createServer((socket) => {
  const group = groupOf(socket.localAddress ?? '');
  let pending = Buffer.alloc(0);
  socket.on('error', () => undefined);
  socket.on('close', () => {
    if (subscribers.get(group)?.delete(socket)) subscriptions -= 1;
  });
  socket.on('data', (chunk) => {
    const { found, rest } = commands(Buffer.concat([pending, chunk]));
    pending = rest;
    for (const [name, ...args] of found) {
      const command = name.toUpperCase();
      if (command === 'AUTH') socket.write('+OK\r\n');
      else if (command === 'SENTINEL' && args[0]?.toUpperCase() === 'GET-MASTER-ADDR-BY-NAME')
        socket.write(array([host(group, masters.get(group) ?? 0), '6379']));
      else if (command === 'SUBSCRIBE') {
        if (!subscribers.has(group)) subscribers.set(group, new Set());
        subscribers.get(group).add(socket);
        subscriptions += 1;
        socket.write(`*3\r\n${bulk('subscribe')}${bulk(args[0])}:1\r\n`);
      } else socket.write(`-ERR unknown command '${name}'\r\n`);
    }
  });
});

server.listen(port, '0.0.0.0', () => process.send({ listening: true }));
process.on('message', (message) => {
  if (message.switch !== undefined) {
    const group = message.switch;
    const from = masters.get(group) ?? 0;
    const to = (from + 1) % 3;
    masters.set(group, to);
    const at = Date.now();
    for (const socket of subscribers.get(group) ?? [])
      socket.write(array(['message', '+switch-master', `g${group} ${host(group, from)} 6379 ${host(group, to)} 6379`]));
    process.send({ switched: group, to, at });
  } else if (message.subscriptions) process.send({ subscriptions });
});
