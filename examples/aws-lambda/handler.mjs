// The Lambda handler: the package's bundle (npm run bundle, copied here as webhook.mjs by the build step in
// README.md) with the policies this cluster uses, bundled at build time.
import { createLambdaHandler, defaultPolicy } from './webhook.mjs';

export const handler = createLambdaHandler({ policies: [defaultPolicy] });
