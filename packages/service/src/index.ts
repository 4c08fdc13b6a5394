export { healthRoutes, readinessOf } from './health-routes.ts';
export { collectProcessMetrics } from './process-metrics.ts';
export type { Check, HealthRoutesOptions, Readiness } from './health-routes.ts';
export { configOrExit, exitOnStartFailure, stopOnSignals } from './service-lifecycle.ts';
export type { StopOptions } from './service-lifecycle.ts';
export { serviceLogging } from './service-logger.ts';
export type { ServiceLoggerOptions, ServiceLogging } from './service-logger.ts';
export { ServiceError, SERVICE_ERRORS } from './errors.ts';
export type { ServiceContext, ServiceDefinition } from './run-service.ts';
