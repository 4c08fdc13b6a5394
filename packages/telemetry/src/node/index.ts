export { startTelemetry, DEFAULT_UNTRACED_PATHS } from './start-telemetry.ts';
export type { Telemetry, TelemetryOptions } from './start-telemetry.ts';
export { telemetryDecision } from './telemetry-enabled.ts';
export type { TelemetryDecision } from './telemetry-enabled.ts';
export { dbStatementShape } from './db-statement-shape.ts';
export { maskTarget, maskUrl, maskUrlAttributes } from './url-shape.ts';
