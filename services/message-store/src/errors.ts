import { defineErrors } from '@wabus/errors';

/** Stable codes of message-store: for the dead-letter topic (rejected events) and the read API (4xx answers). */
export const MESSAGE_STORE_ERRORS = {
  /** A message event that can never be stored (no wamid, no business number, no customer): dead-lettered. */
  WABUS_MESSAGE_STORE_INVALID: { status: 422, message: 'message event cannot be stored' },
  WABUS_MESSAGE_STORE_BAD_PARAM: { status: 400, message: 'invalid query parameter' },
  WABUS_MESSAGE_STORE_BAD_CURSOR: { status: 400, message: 'cursor is not one this API returned' },
  WABUS_MESSAGE_STORE_NOT_FOUND: { status: 404, message: 'not found' },
} as const;

export type MessageStoreErrorCode = keyof typeof MESSAGE_STORE_ERRORS;

/** An error of the read API, answered in the wabus error envelope (packages/errors). */
export class MessageStoreError extends defineErrors('MessageStoreError', MESSAGE_STORE_ERRORS) {}
