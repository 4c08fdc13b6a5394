export { projection } from './projection.ts';
export type { EventOutcome, Projection, ProjectionOptions } from './projection.ts';
export { groupFacts } from './group-facts.ts';
export type { GroupedFacts, Located } from './group-facts.ts';
export { foldDocuments } from './fold-documents.ts';
export type { Evolve, FoldResult, StateDocument } from './fold-documents.ts';
export { contentHash } from './content-hash.ts';
export { ensureFoldIndex } from './fold-index.ts';
