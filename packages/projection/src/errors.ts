import { defineErrors } from '@wabus/errors';

/**
 * Stable error codes of `@wabus/projection` (the code keeps the package's old name: operators' alerts match it);
 * thrown inside consumers (retried by the runtime), so no HTTP status.
 */
export const PROJECTION_ERRORS = {
  /** Conditional writes kept failing: other writers changed the same documents round after round. */
  WABUS_DEDUP_CONFLICT: { message: 'documents kept changing under us' },
} as const;

export class ProjectionError extends defineErrors('ProjectionError', PROJECTION_ERRORS) {}
