export { foldDocuments } from './fold-documents.ts';
export type { Evolve, FoldResult, StateDocument } from './fold-documents.ts';
export { contentHash } from './content-hash.ts';
export { ensureFoldIndex } from './fold-index.ts';
