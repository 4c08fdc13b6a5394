// At most once to Meta's Graph API (WHATSAPP.md, "Sending"): the client that classifies answers by `error.code`, the
// per-number and per-recipient limiters, and the ledger (insert-once, claim, outcome) that auto-reply's replies and
// the sender's sends share.
export { causeCodes, classifyAnswer, createGraphClient, graphErrorOf, NOT_SENT, REFUSAL_CODES } from './graph-client.ts';
export type { GraphClient, GraphClientOptions, GraphErrorInfo, GraphOutcome } from './graph-client.ts';
export { graphPathSegment, messagesPath } from './graph-request.ts';
export { GRAPH_SEND_ERRORS, GraphSendError } from './errors.ts';
export { callGraph } from './graph-call.ts';
export type { GraphManagementCall, GraphReply } from './graph-call.ts';
export type { GraphRequest } from './graph-request.ts';
export { createPacer, createRateLimiter, perSecond } from './rate-limiter.ts';
export type { Pacer, RateLimiter, RateLimiterOptions } from './rate-limiter.ts';
export { claimAttempt, claimLanded, completeEntry, recordDecision, SEND_STATES, surfaceOrphans } from './send-ledger.ts';
export type { Completion, SendEntry, SendState, UnknownReason } from './send-ledger.ts';
export { backoffMs, callClaimed, claim, errorCodeOf, untilStored } from './send-once.ts';
export type { ClaimedCall, SendOnceDeps, WaitReason } from './send-once.ts';
export { listLedger, parseLedgerQuery } from './ledger-query.ts';
export { createSendLimiters, createSendParts, observeGraphCalls } from './observe-graph-calls.ts';
export type { GraphCall, GraphSendObserver, SendSettings } from './observe-graph-calls.ts';
export { createGraphSendMetrics } from './graph-send-metrics.ts';
