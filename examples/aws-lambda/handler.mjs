// The Lambda handler: the package's bundle and the policies of policies/, bundled at build time
// (npm run bundle writes both to dist/function/; the deploy step in template.yaml copies them here).
import { policies } from './policies.mjs';
import { createLambdaHandler } from './webhook.mjs';

export const handler = createLambdaHandler({ policies });
