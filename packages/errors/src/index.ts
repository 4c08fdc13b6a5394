export { CodedError, defineErrors } from './define-errors.ts';
export type { CodedErrorOptions, ErrorSpec } from './define-errors.ts';
export { errorEnvelope, useErrorEnvelope } from './error-envelope.ts';
export type { ErrorEnvelope } from './error-envelope.ts';
