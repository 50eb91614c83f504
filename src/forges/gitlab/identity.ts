import type { Actor } from '../../domain/types.js';

/** One issue's GitLab deliveries (issue and comment hooks alike) are ordered by project and iid. */
export function gitlabOrderingKey(projectId: number, iid: number): string {
  return `gitlab:${projectId}#${iid}`;
}

/** Who acted. Project and group access tokens act as `project_<id>_bot_<hash>` users. */
export function gitlabActor(
  user: { username: string; bot?: boolean | undefined },
  botUsers: ReadonlySet<string>,
): Actor {
  return {
    login: user.username,
    isBot: user.bot === true || botUsers.has(user.username) || /(^|_)bot(_|$)/.test(user.username),
  };
}
