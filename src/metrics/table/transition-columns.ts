import type { Transition } from '../../domain/types.js';

/** No string (a missing `from`, kind or segment). */
const NONE = -1;

/** What the metrics read of one transition besides its issue. */
export type RecordedTransition = Pick<Transition, 'from' | 'to' | 'kind' | 'segment'>;

/**
 * Every transition the ledger has taken in, column-wise: its instant and string ids (stage, kind
 * … repeat across a million transitions and are kept once), chained per issue in arrival order.
 * A million transitions take a few typed arrays instead of a million objects and their strings.
 */
export class TransitionColumns {
  private size = 0;
  private atMs = new Float64Array(1024);
  private to = new Int32Array(1024);
  private from = new Int32Array(1024);
  private kind = new Int32Array(1024);
  private segment = new Int32Array(1024);
  /** The next transition of the same issue, NONE after its last. */
  private next = new Int32Array(1024);
  private readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();

  /** Appends `t` after the transition `previous` of the same issue (NONE: its first); returns its index. */
  push(t: Transition, previous: number): number {
    if (this.size === this.atMs.length) this.grow();
    const i = this.size++;
    this.atMs[i] = Date.parse(t.at);
    this.to[i] = this.id(t.to);
    this.from[i] = this.id(t.from);
    this.kind[i] = this.id(t.kind);
    this.segment[i] = this.id(t.segment);
    this.next[i] = NONE;
    if (previous !== NONE) this.next[previous] = i;
    return i;
  }

  /** The transitions from its first (`first`), and their instants (NaN when unreadable). */
  chain(first: number): { transitions: RecordedTransition[]; atMs: number[] } {
    const transitions: RecordedTransition[] = [];
    const atMs: number[] = [];
    for (let i = first; i !== NONE; i = this.next[i]!) {
      transitions.push({
        to: this.strings[this.to[i]!]!,
        from: this.text(this.from[i]!),
        kind: this.text(this.kind[i]!),
        segment: this.text(this.segment[i]!),
      });
      atMs.push(this.atMs[i]!);
    }
    return { transitions, atMs };
  }

  private text(id: number): string | null {
    return id === NONE ? null : this.strings[id]!;
  }

  private id(value: string | null | undefined): number {
    if (value == null) return NONE;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.strings.push(value) - 1;
      this.ids.set(value, id);
    }
    return id;
  }

  private grow(): void {
    const grown = <A extends Float64Array | Int32Array>(array: A, make: (n: number) => A): A => {
      const larger = make(array.length * 2);
      larger.set(array);
      return larger;
    };
    this.atMs = grown(this.atMs, (n) => new Float64Array(n));
    this.to = grown(this.to, (n) => new Int32Array(n));
    this.from = grown(this.from, (n) => new Int32Array(n));
    this.kind = grown(this.kind, (n) => new Int32Array(n));
    this.segment = grown(this.segment, (n) => new Int32Array(n));
    this.next = grown(this.next, (n) => new Int32Array(n));
  }
}

export const NO_TRANSITION = NONE;
