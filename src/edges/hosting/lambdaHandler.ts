import { jsonContentType } from './admissionExchange.js';
import { answerHosted, type HostOptions } from './hostedAdmission.js';

/** An AWS Lambda event from API Gateway's HTTP API (payload format 2.0) or a function URL: the fields read here. */
export interface LambdaHttpEvent {
  rawPath?: string;
  rawQueryString?: string;
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext?: { http?: { method?: string } };
}

export interface LambdaHttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * The webhook as an AWS Lambda handler behind API Gateway's HTTP API or a function URL (payload format
 * 2.0): the same exchange, and so the same bytes, as the HTTPS server. Headers arrive lower-cased.
 */
export function createLambdaHandler(options: HostOptions = {}): (event: LambdaHttpEvent) => Promise<LambdaHttpResult> {
  return async (event) => {
    const headers = event.headers ?? {};
    const answer = await answerHosted(
      {
        method: event.requestContext?.http?.method ?? 'GET',
        path: `${event.rawPath ?? '/'}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`,
        header: (name) => headers[name.toLowerCase()],
        body: () => Promise.resolve(event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : (event.body ?? '')),
      },
      options,
    );
    return { statusCode: answer.status, headers: { 'content-type': jsonContentType }, body: answer.body };
  };
}
