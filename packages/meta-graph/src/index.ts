// `wabus meta subscribe` / `meta check` (docs/meta.md): what the tenants file expects of Meta's webhook setup, what
// Meta reports (Graph API reads), the pure diff and plan between them, and the writes that apply a plan.
export { checkTargets, planTargets } from './check.ts';
export type { TenantCheck } from './check.ts';
export { describeDifference, diff, DIFFERENCE_KINDS } from './diff.ts';
export type { Difference, DifferenceKind } from './diff.ts';
export { GRAPH_FAILURES, META_ERRORS, MetaError } from './errors.ts';
export { targetsOf } from './expected.ts';
export type { Credentials, Expected, Target } from './expected.ts';
export { changeRequest, createMetaGraph, describeRequest } from './meta-graph.ts';
export type { MetaGraph, MetaGraphOptions } from './meta-graph.ts';
export { createMetaCheckMetrics } from './meta-check-metrics.ts';
export { mergeChanges, plan } from './plan.ts';
export type { Change } from './plan.ts';
export { NUMBER_FIELDS, parseAppSubscriptions, parsePhoneNumbers, parseSubscribedApps } from './reported.ts';
export type { Reported, ReportedNumber, ReportedWabaApp } from './reported.ts';
