// Kept in step with package.json by a unit test; reading package.json at run time would be I/O in the core.
export const webhookVersion = '0.1.0';
