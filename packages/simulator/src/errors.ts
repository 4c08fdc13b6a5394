export type SimulatorErrorCode = 'WABUS_SIM_UNKNOWN_KIND' | 'WABUS_SIM_INVALID_OPTION' | 'WABUS_SIM_INVALID_RAW_NUMBER';

export class SimulatorError extends Error {
  readonly code: SimulatorErrorCode;

  constructor(code: SimulatorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SimulatorError';
    this.code = code;
  }
}

export const isSimulatorError = (err: unknown, code?: SimulatorErrorCode): err is SimulatorError =>
  err instanceof SimulatorError && (code === undefined || err.code === code);
