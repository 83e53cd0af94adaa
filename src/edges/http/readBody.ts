import type { IncomingMessage } from 'node:http';
import { refuseByHeaders, tooLarge, type ExchangeAnswer } from '../hosting/admissionExchange.js';
import type { BodyBudget } from './bodyBudget.js';

export type Body = { ok: true; bytes: Buffer; release: () => void } | { ok: false; answer: ExchangeAnswer };

/**
 * Refuses the body once the client has finished sending it: a client still writing when the answer
 * arrives may fail on the write before it reads the answer. requestTimeout bounds the wait.
 */
function refuseAfterBody(req: IncomingMessage, answer: ExchangeAnswer): Promise<Body> {
  const refusal: Body = { ok: false, answer };
  if (req.readableEnded) return Promise.resolve(refusal);
  return new Promise((resolve) => {
    req.once('end', () => resolve(refusal));
    req.once('close', () => resolve(refusal));
    req.resume();
  });
}

/**
 * The request's body, read in full. Headers are checked first (refuseByHeaders: JSON, UTF-8, uncompressed,
 * Content-Length within `limitBytes`); past the limit while reading, the rest is read and dropped, never
 * kept. The bytes held are taken from `budget` until the caller is done with them (`release`), or the body
 * is refused, or the client goes away; when the budget is spent, the body is refused with 503 and dropped
 * likewise.
 */
export function readBody(req: IncomingMessage, limitBytes: number, budget: BodyBudget): Promise<Body> {
  const refused = refuseByHeaders(
    { contentType: req.headers['content-type'], contentEncoding: req.headers['content-encoding'], contentLength: req.headers['content-length'] },
    limitBytes,
  );
  if (refused) return refuseAfterBody(req, refused);
  return new Promise((resolve) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const release = () => {
      budget.give(size);
      size = 0;
      chunks = [];
    };
    const refuse = (answer: ExchangeAnswer) => {
      done = true;
      req.off('data', onData);
      release();
      resolve(refuseAfterBody(req, answer));
    };
    const onData = (chunk: Buffer) => {
      if (size + chunk.length > limitBytes) return refuse(tooLarge(limitBytes));
      if (!budget.take(chunk.length)) {
        return refuse({
          status: 503,
          body: JSON.stringify({
            error: `body: the webhook already holds ${budget.heldBytes} bytes of request bodies, its limit across all requests is ${budget.limitBytes}; retry shortly`,
          }),
        });
      }
      size += chunk.length;
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('close', release);
    req.on('error', (error) => {
      release();
      resolve({ ok: false, answer: { status: 400, body: JSON.stringify({ error: `body: ${error.message}` }) } });
    });
    req.on('end', () => {
      if (done) return;
      resolve({ ok: true, bytes: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), release });
    });
  });
}
