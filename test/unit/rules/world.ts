/**
 * A tiny forge for property tests: people change an issue, the forge sends the webhook GitHub or
 * GitLab would send, the rules decide, their actions are applied, and the forge's webhooks about
 * those changes go back through the rules as the bot's own events.
 */
import type { Config } from '../../../src/config/schema.js';
import type { Action, ForgeName, IssueEvent, IssueState, Transition } from '../../../src/domain/types.js';
import { decide } from '../../../src/rules/index.js';

export type HumanStep =
  | { kind: 'add'; label: string }
  | { kind: 'remove'; index: number }
  | { kind: 'close' }
  | { kind: 'reopen' }
  | { kind: 'edit'; body: string }
  | { kind: 'board'; column: string };

export interface StepRecord {
  human: IssueEvent;
  /** Actions decided for the person's event. */
  actions: Action[];
  /** Decisions on the webhooks our own actions caused. */
  echoes: { event: IssueEvent; actions: Action[]; transitions: Transition[] }[];
  transitions: Transition[];
}

const HUMAN = { login: 'ie-alex', isBot: false };
const BOT = { login: 'boardkeeper[bot]', isBot: true };

/** GitLab keeps one label per scope (`a::b::c` has scope `a::b`). */
function scopeOf(label: string): string | null {
  const at = label.lastIndexOf('::');
  return at > 0 ? label.slice(0, at) : null;
}

export function columnName(stage: string): string {
  return stage.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

export class World {
  labels: string[];
  state: 'open' | 'closed' = 'open';
  issueState: IssueState | null = null;
  private clock = Date.parse('2026-01-05T09:00:00Z');
  private delivery = 0;

  constructor(
    readonly forge: ForgeName,
    readonly config: Config,
    public body: string,
    labels: string[],
  ) {
    this.labels = [...labels];
  }

  open(): StepRecord {
    return this.run(this.event('opened', this.labels, this.labels, HUMAN));
  }

  /** Apply a person's change; null when it changes nothing on this forge. */
  human(step: HumanStep): StepRecord | null {
    const before = [...this.labels];
    switch (step.kind) {
      case 'add':
        if (this.labels.includes(step.label)) return null;
        this.addLabels([step.label]);
        return this.run(this.event(this.forge === 'github' ? 'labeled' : 'updated', before, this.labels, HUMAN));
      case 'remove': {
        const label = this.labels[step.index % Math.max(this.labels.length, 1)];
        if (label === undefined) return null;
        this.labels = this.labels.filter((l) => l !== label);
        return this.run(this.event(this.forge === 'github' ? 'unlabeled' : 'updated', before, this.labels, HUMAN));
      }
      case 'close':
      case 'reopen': {
        const target = step.kind === 'close' ? 'closed' : 'open';
        if (this.state === target) return null;
        this.state = target;
        return this.run(this.event(step.kind === 'close' ? 'closed' : 'reopened', before, before, HUMAN));
      }
      case 'edit':
        this.body = step.body;
        return this.run(this.event(this.forge === 'github' ? 'edited' : 'updated', before, before, HUMAN));
      case 'board':
        if (this.forge !== 'github') return null;
        return this.run(this.boardEvent(step.column, HUMAN));
    }
  }

  private addLabels(labels: string[]): void {
    for (const label of labels) {
      const scope = this.forge === 'gitlab' ? scopeOf(label) : null;
      if (scope) this.labels = this.labels.filter((l) => scopeOf(l) !== scope);
      if (!this.labels.includes(label)) this.labels.push(label);
    }
  }

  private event(
    action: IssueEvent['action'],
    before: string[],
    after: string[],
    actor: IssueEvent['actor'],
  ): IssueEvent {
    this.clock += 60_000;
    return {
      deliveryId: `d${++this.delivery}`,
      forge: this.forge,
      action,
      issue: { forge: this.forge, project: 'ps/board', iid: 7 },
      title: 'SOW: Example',
      body: this.body,
      state: this.state,
      author: 'ae-jane',
      actor,
      labelsBefore: [...before],
      labelsAfter: [...after],
      bodyChanged: action === 'edited' || action === 'opened',
      occurredAt: new Date(this.clock).toISOString(),
    };
  }

  /** As the engine completes a board-card event: labels from the stored state, no description. */
  private boardEvent(column: string, actor: IssueEvent['actor']): IssueEvent {
    return {
      ...this.event('board_status_changed', this.labels, this.labels, actor),
      body: '',
      boardStatus: { projectNodeId: 'PVT_1', itemNodeId: 'PVTI_1', from: null, to: column },
    };
  }

  private decide(event: IssueEvent): { actions: Action[]; transitions: Transition[] } {
    const decision = decide(event, this.issueState, this.config);
    this.issueState = decision.state;
    return decision;
  }

  /** Deliver an event, then every webhook our actions cause (GitHub: one per label; GitLab: one per call). */
  private run(human: IssueEvent): StepRecord {
    const first = this.decide(human);
    const record: StepRecord = { human, actions: first.actions, echoes: [], transitions: [...first.transitions] };
    let queue = this.apply(first.actions);
    for (let depth = 0; queue.length > 0 && depth < 5; depth++) {
      const next: IssueEvent[] = [];
      for (const event of queue) {
        const decision = this.decide(event);
        record.echoes.push({ event, ...decision });
        record.transitions.push(...decision.transitions);
        next.push(...this.apply(decision.actions));
      }
      queue = next;
    }
    return record;
  }

  private apply(actions: Action[]): IssueEvent[] {
    const events: IssueEvent[] = [];
    for (const action of actions) {
      if (action.type === 'labels') events.push(...this.applyLabels(action.add, action.remove));
      if (action.type === 'board-status') events.push(this.boardEvent(columnName(action.stage), BOT));
    }
    return events;
  }

  private applyLabels(add: string[], remove: string[]): IssueEvent[] {
    if (this.forge === 'gitlab') {
      const before = [...this.labels];
      this.addLabels(add);
      this.labels = this.labels.filter((l) => !remove.includes(l));
      return [this.event('updated', before, this.labels, BOT)];
    }
    const events: IssueEvent[] = [];
    for (const label of add) {
      if (this.labels.includes(label)) continue;
      const before = [...this.labels];
      this.labels.push(label);
      events.push(this.event('labeled', before, this.labels, BOT));
    }
    for (const label of remove) {
      if (!this.labels.includes(label)) continue;
      const before = [...this.labels];
      this.labels = this.labels.filter((l) => l !== label);
      events.push(this.event('unlabeled', before, this.labels, BOT));
    }
    return events;
  }
}
