import { sign } from '@octokit/webhooks-methods';

export const GITHUB_SECRET = 'test-github-secret-9f2c';
export const GITLAB_SECRET = 'test-gitlab-secret-4b7e';

export async function githubHeaders(event: string, body: string, delivery: string, secret = GITHUB_SECRET) {
  return {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': delivery,
    'x-hub-signature-256': await sign(secret, body),
  };
}

export function gitlabHeaders(delivery: string, event = 'Issue Hook', token = GITLAB_SECRET) {
  return {
    'content-type': 'application/json',
    'x-gitlab-event': event,
    'x-gitlab-event-uuid': delivery,
    'x-gitlab-token': token,
  };
}
