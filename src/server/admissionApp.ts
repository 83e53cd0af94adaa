import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { decodeAdmissionReview } from '../admission/decodeAdmissionReview.js';
import type { AdmissionHandler } from './admissionHandler.js';
import { log } from './log.js';
import { readJsonBody } from './readJsonBody.js';

/** Kubernetes objects are at most ~1.5 MiB (etcd's limit); a review carries object and oldObject. */
export const bodyLimitBytes = 4 * 1024 * 1024;

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

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** HTTP to handler: content type, body, decode, and errors as JSON; never a stack trace, never a crash. */
function admissionRoute(handler: AdmissionHandler): Route {
  return (req, res) => {
    void readJsonBody(req, bodyLimitBytes).then((body) => {
      if (!body.ok) return fail(res, body.status, body.error);
      const decoded = decodeAdmissionReview(body.value);
      if (!decoded.ok) return fail(res, 400, decoded.error);
      return handler(decoded.review).then(
        (answer) => send(res, 200, answer),
        (error: unknown) => {
          log('error', 'admission failed', { uid: decoded.review.request?.uid, error: message(error) });
          fail(res, 500, `admission failed: ${message(error)}`);
        },
      );
    });
  };
}

/**
 * The webhook's HTTP surface on plain node:http: five fixed routes need no framework, and a framework's
 * routing and body parsing cost more per admission than the admission itself (docs/performance.md).
 */
export function admissionApp(handlers: { mutate: AdmissionHandler; validate: AdmissionHandler }, readiness: () => Readiness, metrics: Registry): RequestListener {
  const routes: Record<string, Route> = {
    'POST /mutate': admissionRoute(handlers.mutate),
    'POST /validate': admissionRoute(handlers.validate),
    'GET /healthz': (_req, res) => send(res, 200, { status: 'ok' }),
    'GET /readyz': (_req, res) => {
      const { ready, detail } = readiness();
      send(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready', ...detail });
    },
    'GET /metrics': (_req, res) => {
      metrics.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.contentType, 'content-length': Buffer.byteLength(text) });
          res.end(text);
        },
        (error: unknown) => fail(res, 500, `metrics: ${message(error)}`),
      );
    },
  };
  return (req, res) => {
    // HEAD is answered as GET; Node leaves the body out.
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const route = routes[`${method} ${(req.url ?? '/').split('?')[0]}`];
    if (!route) return fail(res, 404, 'not found: POST /mutate, POST /validate, GET /healthz, GET /readyz, GET /metrics');
    try {
      route(req, res);
    } catch (error) {
      log('error', 'request failed', { error: message(error) });
      fail(res, 500, `request failed: ${message(error)}`);
    }
  };
}
