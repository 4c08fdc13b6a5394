import { defineErrors } from '@wabus/errors';

/** The one code of `@wabus/config`: a start-up failure, so no HTTP status. */
export const CONFIG_ERRORS = {
  WABUS_CONFIG_INVALID: { message: 'invalid configuration' },
} as const;

/** A variable is missing or invalid: the message and `param` name it. */
export class ConfigError extends defineErrors('ConfigError', CONFIG_ERRORS) {
  declare readonly param: string;

  constructor(variable: string, message: string, options?: { cause?: unknown }) {
    super('WABUS_CONFIG_INVALID', { message: `${variable}: ${message}`, param: variable, ...options });
  }

  /** The variable at fault (several, comma-separated, when the whole configuration is reported): `param`. */
  get variable(): string {
    return this.param;
  }
}
