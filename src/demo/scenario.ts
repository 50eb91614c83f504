/**
 * A quarter on a services board, as data: which engagements are opened, and what people do to them
 * on which day. Pure and seeded, so a demo run (and its test) is repeatable.
 */
import { DELIVERY_STAGES, SALES_STAGES } from '../config/presets.js';
import type { ForgeName } from '../domain/types.js';
import type { Answers, ChecklistItem } from './bodies.js';

export type Move =
  | { kind: 'open'; answers: Answers }
  | { kind: 'edit'; answers: Answers; why: string }
  /** A person moves the card: a label edit (GitLab swaps the scoped label) or, on GitHub, the board's Status. */
  | { kind: 'stage'; to: string; via: 'label' | 'board' }
  | { kind: 'labels'; add: string[]; remove: string[]; why: string }
  /** An engineer logs time (GitLab `/spend` with the estimate; GitHub the board's hours fields). */
  | { kind: 'log-time'; hours: number; estimateHours: number }
  | { kind: 'close' };

export interface Step {
  /** Simulated days since the start of the quarter (fractions are hours of the day). */
  day: number;
  actor: string;
  move: Move;
}

export type Story = 'delivered' | 'delivered-late' | 'lost' | 'on-hold' | 'in-delivery' | 'in-sales' | 'initiative';

export interface Engagement {
  key: string;
  forge: ForgeName;
  template: 'sow-request' | 'strategic-initiative';
  title: string;
  story: Story;
  /** Opened with required fields missing, fixed by an edit a day or two later. */
  invalidAtFirst: boolean;
  steps: Step[];
}

export const QUARTER_DAYS = 90;

const STORIES: Story[] = [
  'delivered',
  'lost',
  'initiative',
  'on-hold',
  'delivered',
  'in-delivery',
  'delivered-late',
  'in-sales',
];
const CUSTOMERS = [
  'Globex Corporation',
  'Initech',
  'Umbrella Health',
  'Stark Logistics',
  'Wayne Shipping',
  'Tyrell Systems',
  'Soylent Foods',
  'Cyberdyne Labs',
  'Hooli',
  'Massive Dynamic',
  'Vandelay Industries',
  'Wonka Confectionery',
  'Oscorp',
  'Aperture Science',
];
const INITIATIVES = [
  {
    title: 'Air-gapped install guide',
    area: 'documentation',
    criteria: ['Outline agreed', 'Guide published', 'Linked from the handbook'],
  },
  {
    title: 'IE certification programme',
    area: 'training',
    criteria: ['Curriculum drafted', 'Lab environment available', 'First cohort certified'],
  },
  {
    title: 'Migration tooling',
    area: 'tooling',
    criteria: ['Inventory script', 'Dry-run mode', 'Runbook reviewed', 'Used on two engagements'],
  },
];
const AES = ['ae-jane', 'ae-omar', 'ae-lin'];
/** Hours each SOW sells (`sow_hours`). */
const SOLD_HOURS = [80, 120, 160];
/**
 * Share of the sold hours logged by the end of deployment, configuration and go-live: late
 * engagements pass 80 % before they are live.
 */
const BURN_PATH: Record<'late' | 'on-time', [number, number, number]> = {
  late: [0.4, 0.85, 1.05],
  'on-time': [0.3, 0.55, 0.7],
};
const IES = ['ie-alex', 'ie-priya', 'ie-sam'];

/** mulberry32: a tiny seeded generator (the demo needs repeatability, not quality). */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sowAnswers(customer: string, ae: string, n: number, valid: boolean): Answers {
  const value = [18_000, 48_000, 75_000, 32_000, 120_000][n % 5]!;
  return {
    customer_name: valid ? customer : undefined,
    account_executive: `@${ae}`,
    opportunity_url: valid ? `https://crm.example.com/opportunity/0065g${String(1000 + n)}` : 'ask Rita for the link',
    request_type: n % 3 === 0 ? 'migration-self-hosted' : 'production-deployment',
    services_requested: n % 2 === 0 ? ['implementation', 'training'] : ['implementation', 'migration'],
    deployment_type: ['kubernetes-helm', 'docker-compose', 'machine-image'][n % 3],
    hosting_provider: ['aws', 'gcp', 'azure', 'on-prem'][n % 4],
    technical_design_url: `https://docs.example.com/design/${n}`,
    expected_users: String(200 + 150 * (n % 7)),
    segment: ['smb', 'mm', 'enterprise', 'strategic'][n % 4],
    estimated_value_usd: String(value),
    sow_hours: String(SOLD_HOURS[n % SOLD_HOURS.length]),
  };
}

function initiativeAnswers(n: number, checked: number): Answers {
  const initiative = INITIATIVES[n % INITIATIVES.length]!;
  const exitCriteria: ChecklistItem[] = initiative.criteria.map((text, i) => ({ text, done: i < checked }));
  return {
    area: initiative.area,
    problem_statement: `Engagements lose days because of missing ${initiative.title.toLowerCase()}.`,
    owner: '@ie-lead',
    exit_criteria: exitCriteria,
    target_quarter: 'FY27-Q1',
  };
}

/** Build one engagement's steps on a cursor that only moves forward in time. */
class Timeline {
  readonly steps: Step[] = [];
  constructor(
    public day: number,
    private readonly random: () => number,
  ) {}

  /** Next working-hours moment 1..`maxDays` days later (at least a day apart, so each day holds one step per issue). */
  after(minDays: number, maxDays: number): number {
    this.day =
      Math.floor(this.day) +
      minDays +
      Math.floor(this.random() * (maxDays - minDays + 1)) +
      (9 + this.random() * 8) / 24;
    return this.day;
  }

  add(day: number, actor: string, move: Move): void {
    if (day < QUARTER_DAYS) this.steps.push({ day, actor, move });
  }
}

function sowStory(story: Story, n: number, forge: ForgeName, random: () => number): Engagement {
  const customer = CUSTOMERS[n % CUSTOMERS.length]!;
  const ae = AES[n % AES.length]!;
  const ie = IES[n % IES.length]!;
  const invalidAtFirst = n % 3 === 1;
  const late = story === 'delivered-late';
  // In-delivery work enters deployment about three to four weeks before the quarter ends: at risk now.
  const t = new Timeline(
    story === 'in-delivery' ? 36 + random() * 3 : story === 'in-sales' ? 55 + random() * 15 : random() * 20,
    random,
  );
  t.add(t.day, ae, { kind: 'open', answers: sowAnswers(customer, ae, n, !invalidAtFirst) });
  if (invalidAtFirst)
    t.add(t.after(1, 2), ae, {
      kind: 'edit',
      answers: sowAnswers(customer, ae, n, true),
      why: 'fills in the missing fields',
    });
  let via: 'label' | 'board' = 'label';
  const move = (to: string, min: number, max: number, actor = ie) => {
    t.add(t.after(min, max), actor, { kind: 'stage', to, via: forge === 'github' ? via : 'label' });
    via = via === 'label' ? 'board' : 'label';
  };
  const sales = story === 'lost' ? SALES_STAGES.slice(1, 5) : SALES_STAGES.slice(1);
  for (const stage of sales) move(stage, 1, 3, stage.startsWith('sow') ? ae : ie);
  if (story === 'lost') {
    t.add(t.after(2, 6), ae, {
      kind: 'labels',
      add: ['outcome::lost'],
      remove: [],
      why: 'the customer went with another vendor',
    });
    t.add(t.after(1, 1), ae, { kind: 'close' });
    return {
      key: `${forge}-${n}`,
      forge,
      template: 'sow-request',
      title: `SOW: ${customer}`,
      story,
      invalidAtFirst,
      steps: t.steps,
    };
  }
  if (story === 'in-sales')
    return {
      key: `${forge}-${n}`,
      forge,
      template: 'sow-request',
      title: `SOW: ${customer}`,
      story,
      invalidAtFirst,
      steps: t.steps,
    };
  for (const stage of DELIVERY_STAGES.slice(0, 4)) move(stage, 1, 3);
  // Engineers log time an hour after each delivery move, up to the story's share of the sold hours
  // (GitLab time tracking; on GitHub the board's hours fields).
  const sold = SOLD_HOURS[n % SOLD_HOURS.length]!;
  const path = BURN_PATH[late ? 'late' : 'on-time'];
  let loggedHours = 0;
  const logTime = (milestone: 0 | 1 | 2) => {
    const hours = Math.round(sold * path[milestone]) - loggedHours;
    loggedHours += hours;
    t.add(t.day + 1 / 24, ie, { kind: 'log-time', hours, estimateHours: sold });
  };
  logTime(0);
  // Deployment → production live is the KPI: on target (≤ 30 days) unless the story is a late one.
  const deploymentDay = t.day;
  if (story === 'on-hold') {
    t.add(t.after(3, 6), ie, { kind: 'labels', add: ['stage::on-hold'], remove: [], why: 'customer freeze' });
    t.add(t.after(6, 10), ie, { kind: 'labels', add: [], remove: ['stage::on-hold'], why: 'freeze lifted' });
  }
  const target = late ? 32 + random() * 10 : story === 'in-delivery' ? 60 : 12 + random() * 14;
  move('configuration', 3, 8);
  logTime(1);
  t.day = Math.max(t.day, deploymentDay + target - 1);
  move('production-live', 0, 1);
  logTime(2);
  move('ta-handoff', 2, 5);
  t.add(t.after(1, 3), ie, { kind: 'close' });
  return {
    key: `${forge}-${n}`,
    forge,
    template: 'sow-request',
    title: `SOW: ${customer}`,
    story,
    invalidAtFirst,
    steps: t.steps,
  };
}

function initiative(n: number, forge: ForgeName, random: () => number): Engagement {
  const t = new Timeline(random() * 15, random);
  const criteria = INITIATIVES[n % INITIATIVES.length]!.criteria.length;
  t.add(t.day, 'ie-lead', { kind: 'open', answers: initiativeAnswers(n, 0) });
  t.add(t.after(2, 5), 'ie-lead', {
    kind: 'labels',
    add: ['initiative::in-progress'],
    remove: [],
    why: 'work started',
  });
  for (let checked = 1; checked <= criteria; checked += 1) {
    t.add(t.after(6, 14), 'ie-lead', {
      kind: 'edit',
      answers: initiativeAnswers(n, checked),
      why: `exit criterion ${checked} of ${criteria} met`,
    });
  }
  const title = `Initiative: ${INITIATIVES[n % INITIATIVES.length]!.title}`;
  return {
    key: `${forge}-${n}`,
    forge,
    template: 'strategic-initiative',
    title,
    story: 'initiative',
    invalidAtFirst: false,
    steps: t.steps,
  };
}

/** `count` engagements, alternating between the two forges, their stories cycling through STORIES. */
export function planQuarter(count: number, seed = 2027): Engagement[] {
  const random = seeded(seed);
  return Array.from({ length: count }, (_, n) => {
    const forge: ForgeName = n % 2 === 0 ? 'gitlab' : 'github';
    const story = STORIES[n % STORIES.length]!;
    return story === 'initiative' ? initiative(n, forge, random) : sowStory(story, n, forge, random);
  });
}
