import type { Collection } from 'mongodb';
import { foldDocuments, type Evolve, type StateDocument } from './fold-documents.ts';
import { groupFacts, type Located } from './group-facts.ts';

/**
 * What applying one event did: `applied` when at least one of its facts changed a document, `duplicate` when it
 * had facts and none changed anything (already applied: redelivery, replay, Meta retry, or by a concurrent writer),
 * `ignored` when it has no facts for this projection (another consumer's kind of event).
 */
export type EventOutcome = 'applied' | 'duplicate' | 'ignored';

export interface ProjectionOptions<E, D extends StateDocument, F> {
  collection: Collection<D>;
  /** Pure: what an event says, per document it is about (none, one, or several). */
  factsOf: (event: E) => readonly Located<F>[];
  /** Pure and idempotent: folding a fact already reflected in a document returns the same content. */
  evolve: Evolve<D, F>;
}

export interface Projection<E> {
  /** Applies events in order; resolves to each event's outcome, in the same order. Store errors reject. */
  apply(events: readonly E[]): Promise<EventOutcome[]>;
}

/**
 * An inline projection (emmett's, over single documents): the consumer says which facts each event holds and how
 * one fact evolves a document; the projection groups the facts of a batch by document in event order, loads each
 * document once, folds, writes the changed ones on condition of their content hash (re-folding after a conflict),
 * and tells per event whether it changed anything. docs/projections.md.
 */
export function projection<E, D extends StateDocument, F>(o: ProjectionOptions<E, D, F>): Projection<E> {
  return {
    async apply(events) {
      const { byId, placed } = groupFacts(events, o.factsOf);
      const { changed } = byId.size === 0 ? { changed: new Map<string, boolean[]>() } : await foldDocuments(o.collection, byId, o.evolve);
      return placed.map((facts) =>
        facts.length === 0 ? 'ignored' : facts.some(({ id, index }) => changed.get(id)?.[index] === true) ? 'applied' : 'duplicate',
      );
    },
  };
}
