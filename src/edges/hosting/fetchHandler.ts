import { jsonContentType } from './admissionExchange.js';
import { answerHosted, type HostOptions } from './hostedAdmission.js';

/**
 * The webhook as a Fetch API handler, `(Request) => Promise<Response>`: the standard of Cloudflare Workers,
 * Deno, Bun, Vercel and Node's own fetch types. The same exchange, and so the same bytes, as the HTTPS server.
 */
export function createFetchHandler(options: HostOptions = {}): (request: Request) => Promise<Response> {
  return async (request) => {
    const url = new URL(request.url);
    const answer = await answerHosted(
      {
        method: request.method,
        path: url.pathname + url.search,
        header: (name) => request.headers.get(name) ?? undefined,
        body: async () => new Uint8Array(await request.arrayBuffer()),
      },
      options,
    );
    return new Response(answer.body, { status: answer.status, headers: { 'content-type': jsonContentType } });
  };
}
