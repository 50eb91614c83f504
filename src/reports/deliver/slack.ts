import { slackEscape, slackLink } from '../../alerts/messages.js';
import { postWithRetry, type PostDeps, type PostResult, type RetryPolicy } from '../../alerts/post.js';

/** A digest's announcement in a Slack-compatible channel: the headline figures and where to read it. */
export interface SlackDigest {
  title: string;
  lines: string[];
  /** The filed issue, when the digest went to a forge. */
  issueUrl: string | null;
  dashboardUrl: string | null;
}

/** The incoming webhook's body (`{ text }` in Slack mrkdwn: Mattermost, Rocket.Chat and Teams' Slack mode take it too). */
export function slackDigestBody(digest: SlackDigest): { text: string } {
  const links = [
    digest.issueUrl ? slackLink(digest.issueUrl, 'Read the digest') : null,
    digest.dashboardUrl
      ? slackLink(`${digest.dashboardUrl.replace(/\/+$/, '')}/dashboard`, 'Open the dashboard')
      : null,
  ].filter((link): link is string => link !== null);
  return {
    text: [
      `*${slackEscape(digest.title)}*`,
      ...digest.lines.map(slackEscape),
      ...(links.length ? [links.join(' · ')] : []),
    ].join('\n'),
  };
}

/** Posted with the alerts' retries and backoff (alerts.maxAttempts, giveUpAfterMs, …). */
export function postSlackDigest(
  url: string,
  digest: SlackDigest,
  policy: RetryPolicy,
  deps: PostDeps,
): Promise<PostResult> {
  return postWithRetry(
    url,
    {
      headers: { 'content-type': 'application/json', 'user-agent': 'boardkeeper-reports' },
      body: JSON.stringify(slackDigestBody(digest)),
    },
    policy,
    deps,
  );
}
