/** A fact and the document it is about. */
export interface Located<F> {
  id: string;
  fact: F;
}

export interface GroupedFacts<F> {
  /** Per document, its facts in event order. */
  byId: Map<string, F[]>;
  /** Per event, where its facts went: the document and the fact's index in that document's list. */
  placed: { id: string; index: number }[][];
}

/**
 * A document id as the store holds it: strings are stored as UTF-8, where a lone surrogate (legal in JSON, so in a
 * webhook's ids: `"\ud800"`) becomes U+FFFD. Filed under the id as given, a document would never be found again under
 * it: the insert would collide with itself on every round, and the partition would retry forever.
 */
export const storedId = (id: string): string => (id as string & { toWellFormed(): string }).toWellFormed();

/** Pure: the facts of events filed under their documents, in event order, remembering which event each came from. */
export function groupFacts<E, F>(events: readonly E[], factsOf: (event: E) => readonly Located<F>[]): GroupedFacts<F> {
  const byId = new Map<string, F[]>();
  const placed = events.map((e) =>
    factsOf(e).map(({ id: given, fact }) => {
      const id = storedId(given);
      const list = byId.get(id);
      if (list === undefined) byId.set(id, [fact]);
      else list.push(fact);
      return { id, index: (list?.length ?? 1) - 1 };
    }),
  );
  return { byId, placed };
}
