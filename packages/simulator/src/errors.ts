import { defineErrors } from '@wabus/errors';

/** Stable error codes of `@wabus/simulator` (bad options or inputs of a simulation); none has an HTTP status. */
export const SIMULATOR_ERRORS = {
  WABUS_SIM_UNKNOWN_KIND: { message: 'unknown webhook kind' },
  WABUS_SIM_INVALID_OPTION: { message: 'invalid simulation option' },
  WABUS_SIM_INVALID_RAW_NUMBER: { message: 'not a JSON number literal' },
} as const;

export type SimulatorErrorCode = keyof typeof SIMULATOR_ERRORS;

export class SimulatorError extends defineErrors('SimulatorError', SIMULATOR_ERRORS) {}
