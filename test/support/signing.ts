import { githubHeaders as signedGithubHeaders, gitlabHeaders as gitlabTokenHeaders } from '../../src/demo/signing.js';

export const GITHUB_SECRET = 'test-github-secret-9f2c';
export const GITLAB_SECRET = 'test-gitlab-secret-4b7e';

export async function githubHeaders(event: string, body: string, delivery: string, secret = GITHUB_SECRET) {
  return signedGithubHeaders(event, body, delivery, secret);
}

export function gitlabHeaders(delivery: string, event = 'Issue Hook', token = GITLAB_SECRET) {
  return gitlabTokenHeaders(delivery, event, token);
}
