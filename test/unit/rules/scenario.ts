import { parse } from 'yaml';
import { configSchema, type Config, type ConfigInput } from '../../../src/config/schema.js';
import type { Action, IssueEvent, IssueState, Transition } from '../../../src/domain/types.js';
import { decide } from '../../../src/rules/index.js';
import { fromGithub, githubExample, type EventOverrides } from './payloads.js';

export const BOT = { actor: 'boardkeeper[bot]', isBot: true } as const;

export function config(input: ConfigInput = {}): Config {
  return configSchema.parse(input);
}

/** Config as an operator writes it: YAML. */
export function configYaml(yaml: string): Config {
  return configSchema.parse(parse(yaml));
}

/** Feeds events one after another, carrying the stored state like the engine does. */
export class Scenario {
  state: IssueState | null = null;
  transitions: Transition[] = [];

  constructor(readonly config: Config) {}

  send(event: IssueEvent): { actions: Action[]; transitions: Transition[] } {
    const decision = decide(event, this.state, this.config);
    this.state = decision.state;
    this.transitions.push(...decision.transitions);
    return { actions: decision.actions, transitions: decision.transitions };
  }
}

type GithubAction = 'opened' | 'edited' | 'labeled' | 'unlabeled' | 'reopened' | 'closed';

/**
 * A GitHub `issues` delivery built from the octokit example of that action, with our labels and
 * body. There is no `closed` example; a closed delivery is the `opened` one with action and state
 * changed, which is how GitHub sends it.
 */
export function github(action: GithubAction, labels: string[], o: EventOverrides & { label?: string } = {}): IssueEvent {
  const payload = githubExample(action === 'closed' ? 'opened' : action);
  payload.action = action;
  if (action === 'closed') payload.issue.state = 'closed';
  if (action === 'reopened') payload.issue.state = 'open';
  const template = payload.issue.labels?.[0];
  payload.issue.labels = labels.map((name) => ({ ...template, name }));
  if (o.label && payload.label) payload.label = { ...payload.label, name: o.label };
  return fromGithub(payload, o);
}

export function labelsOf(actions: Action[]): { add: string[]; remove: string[] } | null {
  const action = actions.find((a) => a.type === 'labels');
  return action?.type === 'labels' ? { add: action.add, remove: action.remove } : null;
}

export function commentOf(actions: Action[]): string | null {
  const action = actions.find((a) => a.type === 'comment');
  return action?.type === 'comment' ? action.body : null;
}
