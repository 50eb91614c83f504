import type { AlertKind } from '../domain/alert-kinds.js';
import type { Alert } from './alert.js';

const TITLES: Record<AlertKind, string> = {
  'at-risk': 'At risk',
  breached: 'Breached',
  stale: 'Stale',
  'suggest-lost': 'Suggest lost',
  'over-burn': 'Effort burn',
  'dead-letter': 'Dead letter',
  'webhook-disabled': 'Webhook disabled',
  'webhook-silent': 'Webhook silent',
};

export interface AlertLinks {
  issue: string | null;
  dashboard: string | null;
}

export function alertLinks(alert: Alert, publicUrl: string | undefined): AlertLinks {
  return {
    issue: alert.issue?.url ?? null,
    dashboard: publicUrl ? `${publicUrl.replace(/\/+$/, '')}/dashboard` : null,
  };
}

function issueName(alert: Alert): string | null {
  const issue = alert.issue;
  if (!issue) return null;
  // A GitHub Projects v2 event names only the issue's node id.
  const ref = issue.iid > 0 ? `${issue.project}#${issue.iid}` : `${issue.forge} issue ${issue.nodeId ?? '(unknown)'}`;
  return issue.title ? `${ref} ${issue.title}` : ref;
}

/** Slack mrkdwn treats these three as control characters; everything else is literal. */
export const slackEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export const slackLink = (url: string, text: string) => `<${url}|${slackEscape(text)}>`;

/** The body of a Slack-compatible incoming webhook (also Mattermost, Rocket.Chat, Teams' Slack mode). */
export function slackBody(alert: Alert, links: AlertLinks): { text: string } {
  const name = issueName(alert);
  const subject = name === null ? null : links.issue ? slackLink(links.issue, name) : slackEscape(name);
  const lines = [
    `*${TITLES[alert.kind]}*${subject ? ` · ${subject}` : ''}`,
    slackEscape(alert.summary),
    ...(links.dashboard ? [slackLink(links.dashboard, 'Open the dashboard')] : []),
  ];
  return { text: lines.join('\n') };
}

/** The body of the generic JSON receiver; `id` and `sentAt` are covered by the signature, against replays. */
export function jsonBody(alert: Alert, links: AlertLinks, delivery: { id: string; sentAt: string }) {
  return {
    id: delivery.id,
    sentAt: delivery.sentAt,
    kind: alert.kind,
    at: alert.at,
    summary: alert.summary,
    issue: alert.issue ?? null,
    links,
    details: alert.details ?? {},
  };
}
