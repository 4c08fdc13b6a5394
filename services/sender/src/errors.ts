import { defineErrors } from '@wabus/errors';

export const SENDER_ERRORS = {
  WABUS_SENDER_BAD_REQUEST: { status: 400, message: 'invalid send request' },
  WABUS_SENDER_IDEMPOTENCY_KEY_REQUIRED: { status: 400, message: 'the Idempotency-Key header is required (1 to 255 printable ASCII characters)' },
  WABUS_SENDER_IDEMPOTENCY_CONFLICT: { status: 409, message: 'this Idempotency-Key was used with another request' },
  WABUS_SENDER_UNKNOWN_NUMBER: { status: 422, message: 'no tenant owns this business number' },
  WABUS_SENDER_OUTSIDE_WINDOW: { status: 422, message: 'free-form messages only within 24 hours of the customer’s last message; send a template' },
  WABUS_SENDER_WINDOW_UNKNOWN: { status: 503, message: 'the customer service window could not be checked; nothing was sent' },
  WABUS_SENDER_TEMPLATE_NOT_APPROVED: { status: 422, message: 'the template is not approved; nothing was sent' },
  WABUS_SENDER_TEMPLATE_STATUS_UNKNOWN: { status: 503, message: 'the template status could not be checked; nothing was sent' },
  WABUS_SENDER_BAD_PARAM: { status: 400, message: 'invalid query parameter' },
  WABUS_SENDER_NOT_FOUND: { status: 404, message: 'no such send' },
} as const;

export class SenderError extends defineErrors('SenderError', SENDER_ERRORS) {}
