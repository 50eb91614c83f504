import type { Actor } from '../../domain/types.js';
import type { Delivery } from '../../store/store.js';

/** GitHub events of one issue are ordered by the node id: `projects_v2_item` only carries that. */
export const githubOrderingKey = (nodeId: string): string => `github:${nodeId}`;

/** What the inbox stores of an accepted GitHub delivery of `githubEvent.action` about the issue `nodeId`. */
export function githubDelivery(
  id: string,
  githubEvent: string,
  action: string,
  nodeId: string,
): Omit<Delivery, 'body' | 'receivedAt'> {
  return {
    id,
    forge: 'github',
    event: `${githubEvent}.${action}`,
    orderingKey: githubOrderingKey(nodeId),
    headers: { 'x-github-event': githubEvent },
  };
}

/** Who acted: a GitHub App (`type: Bot`, `name[bot]`) or a configured bot account is the bot. */
export function githubActor(
  sender: { login: string; type?: string | undefined },
  botUsers: ReadonlySet<string>,
): Actor {
  return {
    login: sender.login,
    isBot: sender.type === 'Bot' || botUsers.has(sender.login) || sender.login.endsWith('[bot]'),
  };
}
