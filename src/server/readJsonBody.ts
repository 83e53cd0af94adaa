import type { IncomingMessage } from 'node:http';

export type JsonBody = { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; error: string };

/**
 * Refuses the body once the client has finished sending it: a client still writing when the answer
 * arrives may fail on the write before it reads the answer. requestTimeout bounds the wait.
 */
function refuseAfterBody(req: IncomingMessage, status: 400 | 413 | 415, error: string): Promise<JsonBody> {
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
 * limit (by Content-Length, or once it passes it) the rest is read and dropped, never kept.
 */
export function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<JsonBody> {
  const contentType = req.headers['content-type'];
  const [mediaType, ...parameters] = (contentType ?? '').split(';').map((part) => part.trim().toLowerCase());
  if (mediaType !== 'application/json') return refuseAfterBody(req, 415, `content-type: found ${contentType ?? 'none'}; expected application/json`);
  const charset = parameters.find((p) => p.startsWith('charset='))?.slice('charset='.length).replaceAll('"', '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') return refuseAfterBody(req, 415, `content-type: found charset ${charset}; expected utf-8`);
  const encoding = req.headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
    return refuseAfterBody(req, 415, `content-encoding: found ${encoding}; expected none (an uncompressed body)`);
  }
  const tooLarge = `body: larger than the limit of ${limitBytes} bytes`;
  if (Number(req.headers['content-length']) > limitBytes) return refuseAfterBody(req, 413, tooLarge);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) return void chunks.push(chunk);
      req.off('data', onData);
      chunks.length = 0;
      resolve(refuseAfterBody(req, 413, tooLarge));
    };
    req.on('data', onData);
    req.on('error', (error) => resolve({ ok: false, status: 400, error: `body: ${error.message}` }));
    req.on('end', () => {
      if (size > limitBytes) return;
      try {
        resolve({ ok: true, value: JSON.parse((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8')) as unknown });
      } catch (error) {
        resolve({ ok: false, status: 400, error: `body: not valid JSON (${(error as Error).message})` });
      }
    });
  });
}
