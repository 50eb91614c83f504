import { TEMPLATE_IDS, TEMPLATES } from './definitions.js';
import { renderGithubForm } from './render-github.js';
import { renderGitlabTemplate } from './render-gitlab.js';

/** Every generated template file, by path relative to `issue-templates/`. */
export function renderAllTemplates(): Map<string, string> {
  const files = new Map<string, string>();
  for (const id of TEMPLATE_IDS) {
    files.set(`github/${id}.yml`, renderGithubForm(TEMPLATES[id]));
    files.set(`gitlab/${id}.md`, renderGitlabTemplate(TEMPLATES[id]));
  }
  return files;
}
