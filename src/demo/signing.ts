import { createHmac } from 'node:crypto';

/** GitHub's `X-Hub-Signature-256`: HMAC-SHA256 of the raw body with the webhook secret. */
export function githubSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface GithubDeliveryHeaders {
  'content-type': string;
  'x-github-event': string;
  'x-github-delivery': string;
  'x-hub-signature-256': string;
  [name: string]: string;
}

export function githubHeaders(event: string, body: string, delivery: string, secret: string): GithubDeliveryHeaders {
  return {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': delivery,
    'x-hub-signature-256': githubSignature(secret, body),
  };
}

export function gitlabHeaders(delivery: string, event: string, token: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-gitlab-event': event,
    'x-gitlab-event-uuid': delivery,
    'x-gitlab-token': token,
  };
}
