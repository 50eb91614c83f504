import { parse } from 'yaml';
import { configSchema, type Config, type ConfigInput } from '../../../src/config/schema.js';
import type { Action, IssueEvent, IssueState, Transition } from '../../../src/domain/types.js';
import { decide } from '../../../src/rules/index.js';

export const BOT = { actor: 'boardkeeper[bot]', isBot: true } as const;

export { github } from './payloads.js';

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

export function labelsOf(actions: Action[]): { add: string[]; remove: string[] } | null {
  const action = actions.find((a) => a.type === 'labels');
  return action?.type === 'labels' ? { add: action.add, remove: action.remove } : null;
}

export function commentOf(actions: Action[]): string | null {
  const action = actions.find((a) => a.type === 'comment');
  return action?.type === 'comment' ? action.body : null;
}
