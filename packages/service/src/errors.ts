import { defineErrors } from '@wabus/errors';

export const SERVICE_ERRORS = {
  WABUS_SERVICE_UNKNOWN: { status: 404, message: 'no such service' },
  WABUS_SERVICE_FACTS_INVALID: { status: 500, message: 'a service declares its facts wrongly' },
} as const;

export class ServiceError extends defineErrors('ServiceError', SERVICE_ERRORS) {}
