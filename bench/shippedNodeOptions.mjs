// The Node.js options the image runs the webhook with (the Dockerfile's ENV NODE_OPTIONS), so that the
// benchmark measures the server as it ships.
import { readFileSync } from 'node:fs';

export function shippedNodeOptions() {
  const dockerfile = readFileSync(new URL('../Dockerfile', import.meta.url), 'utf8');
  const match = /^ENV NODE_OPTIONS="([^"]*)"$/m.exec(dockerfile);
  if (!match) throw new Error('Dockerfile: expected a line ENV NODE_OPTIONS="..."; found none');
  return match[1];
}
