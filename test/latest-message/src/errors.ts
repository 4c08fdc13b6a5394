import { defineErrors } from '@wabus/errors';

export class LatestMessageError extends defineErrors('LatestMessageError', {
  WABUS_LATEST_MESSAGE_NOT_FOUND: { status: 404, message: 'no message is known for this conversation' },
}) {}
