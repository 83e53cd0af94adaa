import type { ErrorRequestHandler, Express } from 'express';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { answerBody, bodyLimitBytes, jsonContentType, type AdmissionHandler, type ExchangeAnswer } from '../hosting/admissionExchange.js';
import { errorMessage } from '../../wire/errorMessage.js';
import { BodyBudget } from './bodyBudget.js';
import { log } from '../telemetry/log.js';
import { readBody } from './readBody.js';

/** Eight bodies at the limit at once: far more than API servers send, and bounded memory for the rest. */
const bodyBudgetBytes = 8 * bodyLimitBytes;

export interface Readiness {
  ready: boolean;
  detail: Record<string, unknown>;
}

type Route = (req: IncomingMessage, res: ServerResponse) => void;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function fail(res: ServerResponse, status: number, error: string): void {
  send(res, status, { error });
}

function sendText(res: ServerResponse, answer: ExchangeAnswer): void {
  res.writeHead(answer.status, { 'content-type': jsonContentType, 'content-length': Buffer.byteLength(answer.body) });
  res.end(answer.body);
}

/** HTTP to the shared exchange (answerBody): the body read with its limit and budget, the answer sent as it comes. */
function admissionRoute(handler: AdmissionHandler, budget: BodyBudget): Route {
  return (req, res) => {
    void readBody(req, bodyLimitBytes, budget).then(async (body) => {
      if (!body.ok) return sendText(res, body.answer);
      try {
        sendText(
          res,
          await answerBody(body.bytes, handler, { onError: (uid, error) => log('error', 'admission failed', { uid, error: errorMessage(error) }) }),
        );
      } finally {
        body.release();
      }
    });
  };
}

/** express, with the same routes (and the variants it matches: '/mutate/', '/Readyz'), and the 404 naming them. */
async function expressApp(routes: Map<string, Route>): Promise<Express> {
  const { default: express } = await import('express');
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  for (const [key, route] of routes) {
    const [method, path] = key.split(' ') as ['GET' | 'POST', string];
    if (method === 'GET') app.get(path, route);
    else app.post(path, route);
  }
  const known = [...routes.keys()].join(', ');
  app.use((_req, res) => fail(res, 404, `not found: ${known}`));
  const failed: ErrorRequestHandler = (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    log('error', 'request failed', { error: errorMessage(error) });
    return fail(res, 500, `request failed: ${errorMessage(error)}`);
  };
  app.use(failed);
  return app;
}

/**
 * The webhook's HTTP surface. Our own body reader (bounded size and nesting, no compressed bodies) and
 * JSON writer, because express.json's parsing and res.json's formatting cost more per admission than the
 * admission itself. The requests that come by the thousand or decide the start, the API server's
 * `POST /mutate?timeout=5s` and `/validate` and the kubelet's probes, are routed here by exact path:
 * express's per-request setup costs about 100 µs, as much as reading, deciding and answering a review,
 * and loading it takes a fifth of the start. express serves the same routes for the variants it matches
 * (`/mutate/`, `/Readyz`) and the 404s, and is loaded on the first such request (docs/performance.md).
 */
export function admissionApp(
  handlers: { mutate: AdmissionHandler; validate: AdmissionHandler },
  readiness: () => Readiness,
  metrics: Registry,
): RequestListener {
  const budget = new BodyBudget(bodyBudgetBytes);
  // The one routing table: matched here by exact path, and through express for the variants.
  const routes = new Map<string, Route>([
    ['POST /mutate', admissionRoute(handlers.mutate, budget)],
    ['POST /validate', admissionRoute(handlers.validate, budget)],
    ['GET /healthz', (_req, res) => send(res, 200, { status: 'ok' })],
    [
      'GET /readyz',
      (_req, res) => {
        const { ready, detail } = readiness();
        send(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', ...detail });
      },
    ],
    [
      'GET /metrics',
      (_req, res) => {
        metrics.metrics().then(
          (text) => {
            res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text) });
            res.end(text);
          },
          (error: unknown) => fail(res, 500, `metrics: ${errorMessage(error)}`),
        );
      },
    ],
  ]);
  let app: Promise<Express> | undefined;
  return (req, res) => {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const route = routes.get(`${req.method} ${query === -1 ? url : url.slice(0, query)}`);
    if (route) return route(req, res);
    (app ??= expressApp(routes)).then(
      (loaded) => {
        loaded(req, res);
      },
      (error: unknown) => fail(res, 500, `request failed: ${errorMessage(error)}`),
    );
  };
}
