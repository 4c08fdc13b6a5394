import { defineErrors } from '@wabus/errors';

export const GRAPH_SEND_ERRORS = {
  WABUS_GRAPH_BAD_PATH_SEGMENT: { message: 'not a Graph object id: a path segment must be 1 to 256 letters, digits, "_" or "-"' },
} as const;

export class GraphSendError extends defineErrors('GraphSendError', GRAPH_SEND_ERRORS) {}
