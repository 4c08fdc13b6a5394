export { ATTR, KAFKA, OPERATION } from './semconv.ts';
export { spanLogFields, traceLogFields } from './trace-log-fields.ts';
export { injectSpanContext, extractMessageContext } from './message-context.ts';
export type { WritableHeaders } from './message-context.ts';
export { recordFailure, errorType } from './record-failure.ts';
export { spanMessageKey } from './message-key.ts';
