import type { Config } from '../../config/schema.js';
import { boardStages, emptyReport, presetLabels, sameColor, type SetupReport } from '../label-catalog.js';
import type { GitlabClient } from './client.js';

interface GitlabLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

interface GitlabBoard {
  id: number;
  name: string;
  lists?: Array<{ label: { id: number; name: string } | null }>;
}

export const BOARD_NAME = 'Services board';

/** Creates or corrects the preset's labels, then a board with one list per stage, in order. Idempotent. */
export async function setupGitlabProject(client: GitlabClient, project: string, config: Config): Promise<SetupReport> {
  const report = emptyReport('gitlab', project);
  const api = client.api;
  const existing = new Map(
    ((await api.ProjectLabels.all(project, { perPage: 100 })) as GitlabLabel[]).map((l) => [l.name, l]),
  );
  for (const spec of presetLabels(config)) {
    const label = existing.get(spec.name);
    if (!label) {
      const created = (await api.ProjectLabels.create(project, spec.name, spec.color, {
        description: spec.description,
      })) as GitlabLabel;
      existing.set(spec.name, created);
      report.created.push(`label ${spec.name}`);
    } else if (!sameColor(label.color, spec.color) || (label.description ?? '') !== spec.description) {
      await api.ProjectLabels.edit(project, label.id, { color: spec.color, description: spec.description });
      report.updated.push(`label ${spec.name}`);
    } else {
      report.unchanged += 1;
    }
  }

  const boards = (await api.ProjectIssueBoards.all(project, { perPage: 100 })) as GitlabBoard[];
  let board = boards.find((b) => b.name === BOARD_NAME);
  if (!board) {
    board = (await api.ProjectIssueBoards.create(project, BOARD_NAME)) as GitlabBoard;
    report.created.push(`board ${BOARD_NAME}`);
  }
  const listed = new Set((board.lists ?? []).map((list) => list.label?.name));
  for (const stage of boardStages(config)) {
    const name = `${config.labels.stagePrefix}${stage}`;
    const label = existing.get(name);
    if (listed.has(name) || !label) {
      report.unchanged += 1;
      continue;
    }
    await api.ProjectIssueBoards.createList(project, board.id, { labelId: label.id });
    report.created.push(`list ${name}`);
  }
  return report;
}
