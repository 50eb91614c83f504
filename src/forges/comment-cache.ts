/**
 * Remembers where each issue's bot comment lives so an update is one request instead of a
 * search through the comments. Bounded: the oldest entries go first.
 */
export class CommentLocations<Id> {
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
}

/** The bot comment is the first comment whose body carries the marker. */
export function findMarked<C extends { body?: string | null }>(comments: Iterable<C>, marker: string): C | undefined {
  for (const comment of comments) if (comment.body?.includes(marker)) return comment;
  return undefined;
}
