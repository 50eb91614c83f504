import type { Config } from '../../config/schema.js';
import { boardStages, emptyReport, presetLabels, sameColor, type SetupReport } from '../label-catalog.js';
import type { GithubClient } from './client.js';
import { sameStatusName } from './projects.js';

/**
 * Creates or corrects the preset's labels; checks the Projects v2 Status field has an option per
 * stage and lists the missing ones (the API cannot add options without rewriting the field, which
 * would reset every card's Status). Idempotent.
 */
export async function setupGithubRepo(client: GithubClient, repository: string, config: Config): Promise<SetupReport> {
  const report = emptyReport('github', repository);
  const [owner = '', repo = ''] = repository.split('/');
  const octokit = await client.octokit(repository);
  const labels = await octokit.paginate(octokit.rest.issues.listLabelsForRepo, { owner, repo, per_page: 100 });
  const existing = new Map(labels.map((label) => [label.name, label]));
  for (const spec of presetLabels(config)) {
    const label = existing.get(spec.name);
    const color = spec.color.replace('#', '');
    if (!label) {
      await octokit.rest.issues.createLabel({ owner, repo, name: spec.name, color, description: spec.description });
      report.created.push(`label ${spec.name}`);
    } else if (!sameColor(label.color, spec.color) || (label.description ?? '') !== spec.description) {
      await octokit.rest.issues.updateLabel({ owner, repo, name: spec.name, color, description: spec.description });
      report.updated.push(`label ${spec.name}`);
    } else {
      report.unchanged += 1;
    }
  }

  const board = client.projectBoard;
  if (!board) return report;
  const meta = await board.describe(octokit);
  const { owner: boardOwner, number, statusField } = board.project;
  if (!meta) {
    report.missing.push(`project ${boardOwner}#${number} with a single-select "${statusField}" field`);
    return report;
  }
  for (const stage of boardStages(config)) {
    if (!meta.options.some((option) => sameStatusName(option.name, stage)))
      report.missing.push(`${statusField} option "${stage}"`);
  }
  return report;
}
