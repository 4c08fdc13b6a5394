import { defineErrors } from '@wabus/errors';

/** Stable error codes of `@wabus/dedup`; thrown inside consumers (retried by the runtime), so no HTTP status. */
export const DEDUP_ERRORS = {
  /** Conditional writes kept failing: other writers changed the same documents round after round. */
  WABUS_DEDUP_CONFLICT: { message: 'documents kept changing under us' },
} as const;

export class DedupError extends defineErrors('DedupError', DEDUP_ERRORS) {}
