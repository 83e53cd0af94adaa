import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { decodeAdmissionReview } from '../admission/decodeAdmissionReview.js';
import type { AdmissionHandler } from './admissionHandler.js';
import { log } from './log.js';

/** Kubernetes objects are at most ~1.5 MiB (etcd's limit); a review carries object and oldObject. */
export const bodyLimitBytes = 4 * 1024 * 1024;

export interface Readiness {
  ready: boolean;
  detail: Record<string, unknown>;
}

function fail(res: express.Response, status: number, error: string): void {
  res.status(status).json({ error });
}

/** HTTP to handler: content type, decode, and errors as JSON; never a stack trace, never a crash. */
function admissionRoute(handler: AdmissionHandler): RequestHandler {
  return (req, res) => {
    if (!req.is('application/json')) return fail(res, 415, `content-type: found ${req.get('content-type') ?? 'none'}; expected application/json`);
    const decoded = decodeAdmissionReview(req.body);
    if (!decoded.ok) return fail(res, 400, decoded.error);
    handler(decoded.review).then(
      (answer) => res.json(answer),
      (error: unknown) => {
        log('error', 'admission failed', { uid: decoded.review.request?.uid, error: error instanceof Error ? error.message : String(error) });
        fail(res, 500, `admission failed: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
  };
}

const bodyErrors: ErrorRequestHandler = (error: { type?: string; message?: string }, _req, res, next) => {
  if (res.headersSent) return next(error);
  if (error.type === 'entity.too.large') return fail(res, 413, `body: larger than the limit of ${bodyLimitBytes} bytes`);
  if (error.type === 'entity.parse.failed') return fail(res, 400, `body: not valid JSON (${error.message ?? ''})`);
  if (error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') return fail(res, 415, `body: ${error.message ?? ''}`);
  log('error', 'request failed', { error: error.message });
  return fail(res, 400, `request: ${error.message ?? 'unreadable'}`);
};

export function admissionApp(handlers: { mutate: AdmissionHandler; validate: AdmissionHandler }, readiness: () => Readiness): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  const json = express.json({ limit: bodyLimitBytes });
  app.post('/mutate', json, admissionRoute(handlers.mutate));
  app.post('/validate', json, admissionRoute(handlers.validate));
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const { ready, detail } = readiness();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', ...detail });
  });
  app.use((_req, res) => fail(res, 404, 'not found: POST /mutate, POST /validate, GET /healthz, GET /readyz'));
  app.use(bodyErrors);
  return app;
}
