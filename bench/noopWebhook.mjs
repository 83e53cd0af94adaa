// The floor any webhook pays behind an API server: a bare node:https server that reads each
// AdmissionReview, answers allowed with its uid, and to a StatefulSet on /mutate the patch it is given:
// ours for the benchmark's StatefulSet, precomputed, so the API server applies and stores the same
// object either way and the difference is the webhook's own.
// Started with fork(): it is told its certificate and patch size over IPC and reports its port back.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { serverTlsSettings } from '../dist/edges/http/tlsSettings.js';

process.once('message', ({ certFile, keyFile, patch }) => {
  const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile), ...serverTlsSettings }, (req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const mutate = req.url.startsWith('/mutate') && review.request?.object?.kind === 'StatefulSet';
      const response = { uid: review.request?.uid, allowed: true, ...(mutate ? { patchType: 'JSONPatch', patch } : {}) };
      const body = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
});
