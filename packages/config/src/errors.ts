export class ConfigError extends Error {
  readonly code = 'WABUS_CONFIG_INVALID';
  readonly variable: string;

  constructor(variable: string, message: string, options?: { cause?: unknown }) {
    super(`${variable}: ${message}`, options);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}
