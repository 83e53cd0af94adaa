import type { IncomingMessage } from 'node:http';
import type { BodyBudget } from './bodyBudget.js';

type Refusal = 400 | 413 | 415 | 503;
export type JsonBody = { ok: true; value: unknown } | { ok: false; status: Refusal; error: string };

/**
 * Refuses the body once the client has finished sending it: a client still writing when the answer
 * arrives may fail on the write before it reads the answer. requestTimeout bounds the wait.
 */
function refuseAfterBody(req: IncomingMessage, status: Refusal, error: string): Promise<JsonBody> {
  const refusal: JsonBody = { ok: false, status, error };
  if (req.readableEnded) return Promise.resolve(refusal);
  return new Promise((resolve) => {
    req.once('end', () => resolve(refusal));
    req.once('close', () => resolve(refusal));
    req.resume();
  });
}

/**
 * The request's body as parsed JSON. Only what the API server sends is read: `application/json` in
 * UTF-8, uncompressed (so no small body inflates into a large one), at most `limitBytes`; past the
 * limit (by Content-Length, or once it passes it) the rest is read and dropped, never kept. The bytes
 * held are taken from `budget` until the body is parsed (or refused, or the client goes away); when
 * the budget is spent, the body is refused with 503 and dropped likewise.
 */
export function readJsonBody(req: IncomingMessage, limitBytes: number, budget: BodyBudget): Promise<JsonBody> {
  const contentType = req.headers['content-type'];
  const [mediaType, ...parameters] = (contentType ?? '').split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') return refuseAfterBody(req, 415, `content-type: found ${contentType ?? 'none'}; expected application/json`);
  const charset = parameters
    .find((p) => p.startsWith('charset='))
    ?.slice('charset='.length)
    .replaceAll('"', '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
    return refuseAfterBody(req, 415, `content-type: found charset ${charset}; expected utf-8`);
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return refuseAfterBody(req, 415, `content-encoding: found ${encoding}; expected none (an uncompressed body)`);
  }
  const tooLarge = `body: larger than the limit of ${limitBytes} bytes`;
  if (Number(req.headers['content-length']) > limitBytes) return refuseAfterBody(req, 413, tooLarge);
  return new Promise((resolve) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    const release = () => {
      budget.give(size);
      size = 0;
      chunks = [];
    };
    const refuse = (status: Refusal, error: string) => {
      refused = true;
      req.off('data', onData);
      release();
      resolve(refuseAfterBody(req, status, error));
    };
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > limitBytes) return refuse(413, tooLarge);
      if (!budget.take(chunk.length)) {
        return refuse(
          503,
          `body: the webhook already holds ${budget.heldBytes} bytes of request bodies, its limit across all requests is ${budget.limitBytes}; retry shortly`,
        );
      }
      size += chunk.length;
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('close', release);
    req.on('error', (error) => {
      release();
      resolve({ ok: false, status: 400, error: `body: ${error.message}` });
    });
    req.on('end', () => {
      if (refused) return;
      const text = (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString('utf8');
      release();
      try {
        resolve({ ok: true, value: JSON.parse(text) as unknown });
      } catch (error) {
        resolve({ ok: false, status: 400, error: `body: not valid JSON (${(error as Error).message})` });
      }
    });
  });
}
