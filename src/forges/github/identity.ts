import type { Actor } from '../../domain/types.js';

/** GitHub events of one issue are ordered by the node id: `projects_v2_item` only carries that. */
export const githubOrderingKey = (nodeId: string): string => `github:${nodeId}`;

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
