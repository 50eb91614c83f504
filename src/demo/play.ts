import { TEMPLATES } from '../templates/index.js';
import { templateBody } from './bodies.js';
import type { Engagement, Move, Step } from './scenario.js';
import { columnName } from './simulator/index.js';
import type { ForgeModel, SimIssue } from './simulator/model.js';

const DAY_MS = 86_400_000;

export interface PlayOptions {
  model: ForgeModel;
  /** The instant day 0 of the quarter stands for. */
  quarterStartMs: number;
  /** Resolves when the service has handled everything so far (people act a while after the bot). */
  settled: () => Promise<void>;
  /** Real time between simulated days (0: as fast as the service goes). */
  pauseMs?: number;
  onDay?: (day: number) => void;
  /** After a day's steps are handled (the demo sweeps here, on the simulated clock). */
  afterDay?: (day: number) => Promise<void>;
}

function perform(
  model: ForgeModel,
  engagement: Engagement,
  issue: SimIssue | undefined,
  step: Step,
  at: number,
): SimIssue | undefined {
  const person = { login: step.actor, bot: false };
  const move: Move = step.move;
  if (move.kind === 'open') {
    const body = templateBody(engagement.forge, engagement.template, move.answers);
    return model.open({
      forge: engagement.forge,
      title: engagement.title,
      body,
      labels: TEMPLATES[engagement.template].labels,
      author: step.actor,
      at,
    });
  }
  if (!issue) return issue;
  switch (move.kind) {
    case 'edit':
      model.editBody(issue, templateBody(engagement.forge, engagement.template, move.answers), person, at);
      break;
    case 'labels':
      model.changeLabels(issue, move.add, move.remove, person, at);
      break;
    case 'close':
      model.setState(issue, 'closed', person, at);
      break;
    case 'log-time':
      model.logTime(issue, move.hours, move.estimateHours, person, at);
      break;
    case 'stage': {
      const option = model.board.options.find((o) => o.name === columnName(move.to));
      if (move.via === 'board' && option && issue.item) model.setStatus(issue, option.id, person, at);
      else model.changeLabels(issue, [`stage::${move.to}`], [], person, at);
      break;
    }
  }
  return issue;
}

/**
 * Play the quarter day by day: every step of a day is done (one per engagement), then the service
 * is given time to react before the next day starts, as people act hours or days after the bot.
 */
export async function playQuarter(engagements: Engagement[], options: PlayOptions): Promise<Map<string, SimIssue>> {
  const issues = new Map<string, SimIssue>();
  const byDay = new Map<number, { engagement: Engagement; step: Step }[]>();
  for (const engagement of engagements) {
    for (const step of engagement.steps) {
      const day = Math.floor(step.day);
      byDay.set(day, [...(byDay.get(day) ?? []), { engagement, step }]);
    }
  }
  for (const day of [...byDay.keys()].sort((a, b) => a - b)) {
    options.onDay?.(day);
    for (const { engagement, step } of byDay.get(day)!) {
      const issue = perform(
        options.model,
        engagement,
        issues.get(engagement.key),
        step,
        options.quarterStartMs + step.day * DAY_MS,
      );
      if (issue) issues.set(engagement.key, issue);
    }
    await options.settled();
    await options.afterDay?.(day);
    if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
  }
  return issues;
}
