import { connect, type Socket } from 'node:net';
import { sentinelObserverUser } from '../../wire/replicationNames.js';

// What the leader labels ask of a group's Sentinels, over a plain socket in RESP2: who the master is, and
// a subscription to +switch-master. A client library would cost far more memory per connection than the
// few bytes these need, and the labeler keeps one subscription per member of every group.

type Reply = string | number | null | Error | Reply[];

const crlf = Buffer.from('\r\n');

/** One command in RESP: an array of bulk strings. */
function encode(words: readonly string[]): string {
  return `*${words.length}\r\n${words.map((w) => `$${Buffer.byteLength(w)}\r\n${w}\r\n`).join('')}`;
}

/** The reply that starts at `at`, and where the next one starts; undefined while it has not all arrived. */
function parse(buffer: Buffer, at: number): { reply: Reply; next: number } | undefined {
  const end = buffer.indexOf(crlf, at);
  if (end === -1) return undefined;
  const line = buffer.toString('utf8', at + 1, end);
  switch (String.fromCharCode(buffer[at])) {
    case '+':
      return { reply: line, next: end + 2 };
    case '-':
      return { reply: new Error(line), next: end + 2 };
    case ':':
      return { reply: Number(line), next: end + 2 };
    case '$': {
      const length = Number(line);
      if (length < 0) return { reply: null, next: end + 2 };
      if (buffer.length < end + 2 + length + 2) return undefined;
      return { reply: buffer.toString('utf8', end + 2, end + 2 + length), next: end + 2 + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { reply: null, next: end + 2 };
      const items: Reply[] = [];
      let next = end + 2;
      for (let i = 0; i < count; i++) {
        const item = parse(buffer, next);
        if (!item) return undefined;
        items.push(item.reply);
        next = item.next;
      }
      return { reply: items, next };
    }
    default:
      throw new Error(`not a RESP reply: ${JSON.stringify(line.slice(0, 40))}`);
  }
}

/** A connection that hands each reply, in order, to `onReply`; `onEnd` once, when it closes or fails. */
function sentinelConnection(
  host: string,
  port: number,
  timeoutMs: number,
  onReply: (reply: Reply) => void,
  onEnd: (error?: Error) => void,
): { socket: Socket; send(words: readonly string[]): void } {
  const socket = connect({ host, port });
  let pending: Buffer = Buffer.alloc(0);
  let ended = false;
  const end = (error?: Error) => {
    if (ended) return;
    ended = true;
    socket.destroy();
    onEnd(error);
  };
  socket.setTimeout(timeoutMs, () => end(new Error(`no answer within ${timeoutMs} ms`)));
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    try {
      let parsed;
      while ((parsed = parse(pending, 0))) {
        pending = pending.subarray(parsed.next);
        onReply(parsed.reply);
      }
    } catch (error) {
      end(error as Error);
    }
  });
  socket.on('error', end);
  socket.on('close', () => end(new Error('connection closed')));
  return { socket, send: (words) => socket.write(encode(words)) };
}

/** Who the master is, as the Sentinel at host:port says, asked as the observer user (no password needed). */
export function askMaster(host: string, port: number, masterName: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const replies: Reply[] = [];
    const connection = sentinelConnection(
      host,
      port,
      timeoutMs,
      (reply) => {
        replies.push(reply);
        if (replies.length < 2) return;
        const [auth, master] = replies;
        if (auth instanceof Error) reject(auth);
        else if (master instanceof Error) reject(master);
        else if (!Array.isArray(master)) reject(new Error(`knows no master named ${masterName}`));
        else resolve(String(master[0]));
        connection.socket.destroy();
      },
      (error) => reject(error ?? new Error('connection closed')),
    );
    // The observer user takes no password; AUTH with a user needs one word all the same.
    connection.send(['AUTH', sentinelObserverUser, 'none']);
    connection.send(['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName]);
  });
}

/**
 * Follows the Sentinel at host:port: `onSwitch` with the new master's host each time it announces a
 * failover of `masterName` (+switch-master), until closed; `onEnd` once if the connection ends first.
 * `subscribed` resolves once the Sentinel has confirmed the subscription.
 */
export function followSwitches(
  host: string,
  port: number,
  masterName: string,
  handlers: { onSwitch(master: string): void; onEnd(error: Error): void },
  connectTimeoutMs: number,
): { subscribed: Promise<void>; close(): void } {
  let closed = false;
  let confirm = () => undefined as void;
  const subscribed = new Promise<void>((resolve) => (confirm = resolve));
  const connection = sentinelConnection(
    host,
    port,
    connectTimeoutMs,
    (reply) => {
      if (reply instanceof Error) {
        connection.socket.destroy(reply);
      } else if (Array.isArray(reply) && reply[0] === 'subscribe') {
        // Subscribed: from now on the connection is quiet for as long as the group does not fail over.
        connection.socket.setTimeout(0);
        confirm();
      } else if (Array.isArray(reply) && reply[0] === 'message' && reply[1] === '+switch-master') {
        // "<name> <old host> <old port> <new host> <new port>"
        const [name, , , master] = String(reply[2]).split(' ');
        if (name === masterName && master !== undefined) handlers.onSwitch(master);
      }
    },
    (error) => {
      if (!closed) handlers.onEnd(error ?? new Error('connection closed'));
    },
  );
  // A Sentinel that goes away without closing (its node lost) is found by TCP keep-alive.
  connection.socket.setKeepAlive(true, 10_000);
  connection.send(['AUTH', sentinelObserverUser, 'none']);
  connection.send(['SUBSCRIBE', '+switch-master']);
  return {
    subscribed,
    close: () => {
      closed = true;
      connection.socket.destroy();
    },
  };
}
