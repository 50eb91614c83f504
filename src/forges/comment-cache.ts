/**
 * Remembers ids the forge handed out (where each issue's bot comment lives, an issue's board card)
 * so an update is one request instead of a search. Bounded: the oldest entries go first.
 */
export class IdCache<Id> {
  private readonly ids = new Map<string, Id>();

  constructor(private readonly capacity = 10_000) {}

  get(key: string): Id | undefined {
    return this.ids.get(key);
  }

  set(key: string, id: Id): void {
    this.ids.delete(key);
    this.ids.set(key, id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.keys().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
  }

  forget(key: string): void {
    this.ids.delete(key);
  }

  keys(): string[] {
    return [...this.ids.keys()];
  }

  clear(): void {
    this.ids.clear();
  }
}

/** The bot comment is the first comment whose body carries the marker. */
export function findMarked<C extends { body?: string | null }>(comments: Iterable<C>, marker: string): C | undefined {
  for (const comment of comments) if (comment.body?.includes(marker)) return comment;
  return undefined;
}
