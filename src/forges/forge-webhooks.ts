import type { Config } from '../config/schema.js';
import type { ForgeName } from '../domain/types.js';
import { allowList } from './allow-list.js';
import type { ForgeWebhooks } from './forge.js';
import { createGithubWebhooks } from './github/events.js';
import { createGitlabWebhooks } from './gitlab/events.js';

export function createWebhooks(config: Config): Record<ForgeName, ForgeWebhooks> {
  return {
    gitlab: createGitlabWebhooks({
      secret: config.gitlab.webhookSecret,
      botUsers: config.botUsers,
      projects: allowList('gitlab.projects', config.gitlab.projects),
    }),
    github: createGithubWebhooks({
      secret: config.github.webhookSecret,
      botUsers: config.botUsers,
      repositories: allowList('github.repositories', config.github.repositories),
    }),
  };
}
