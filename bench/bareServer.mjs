// The physical limit: a bare node:https server with the webhook's certificate and TLS settings that reads
// each request body in full and answers a fixed, precomputed AdmissionReview of the same size as the
// webhook's answer to that request. No routing, no logging, and no JSON parsing unless `parse` is set
// (then it parses each body and throws the result away: the floor for any JSON webhook).
// Started with fork(): it is told its certificate and answers over IPC and reports its port back.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { serverTlsSettings } from '../dist/edges/http/tlsSettings.js';

process.once('message', ({ certFile, keyFile, answersFile, parse }) => {
  const answers = new Map(Object.entries(JSON.parse(readFileSync(answersFile, 'utf8'))).map(([key, body]) => [key, Buffer.from(body)]));
  const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile), ...serverTlsSettings }, (req, res) => {
    // The same request always gets the same answer, so the path and body length identify it.
    const answer = answers.get(`${req.url} ${req.headers['content-length']}`) ?? Buffer.from('{}');
    const chunks = [];
    req.on('data', (chunk) => parse && chunks.push(chunk));
    req.on('end', () => {
      if (parse) JSON.parse(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': answer.length });
      res.end(answer);
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
});
