import { isSpanContextValid, trace, type Link, type Tracer } from '@opentelemetry/api';
import { extractMessageContext } from '@wabus/telemetry';
import type { DocumentWrite } from './write-watch.ts';
import type { StatusDocument } from './status-document.ts';

export const SEND_LINK_SPAN = 'status-tracker.send-link';
export const SEND_JOIN_SPAN = 'status-tracker.send-join';

/** A link to the send's span (its record's `traceparent`); none when the send carried no valid one. */
function sendLink(traceparent: string | null): Link[] {
  if (traceparent === null) return [];
  const ctx = trace.getSpanContext(extractMessageContext({ traceparent }));
  return ctx !== undefined && isSpanContextValid(ctx) ? [{ context: ctx }] : [];
}

/**
 * Spans that tie a message's statuses to its send (docs/consumers/status-tracker.md, "Traces"), from the writes the
 * store acknowledged, so each is made once, by the write that joined something, whatever comes again:
 * - statuses folded into a document that names its send: `status-tracker.send-link`, a child of the batch span that
 *   wrote it (the status record's trace), LINKED to the send's span, with how many statuses the write added;
 * - a send joined to a document that already held statuses (the send read after them): `status-tracker.send-join`,
 *   a child of the sends consumer's batch span (in the send's trace when it handled that one record), linked to the
 *   send's span too, with how many statuses it joined.
 * They start in the active context: the write watch reports inside the handler's batch span.
 */
export function createSendSpans(tracer: Tracer) {
  const span = (name: string, after: StatusDocument, statuses: number) => {
    const send = after.send!;
    tracer
      .startSpan(name, {
        attributes: { 'wabus.send.id': send.sendId, 'wabus.wamid': after._id, 'wabus.statuses': statuses },
        links: sendLink(send.traceparent),
      })
      .end();
  };
  return {
    /** A write of the statuses consumer. */
    statusesWritten({ before, after }: DocumentWrite<StatusDocument>): void {
      const added = after.history.length - (before?.history.length ?? 0);
      if (after.send !== null && added > 0) span(SEND_LINK_SPAN, after, added);
    },
    /** A write of the sends consumer. */
    sendWritten({ before, after }: DocumentWrite<StatusDocument>): void {
      if (after.send !== null && before !== null && before.history.length > 0 && before.send?.sendId !== after.send.sendId) {
        span(SEND_JOIN_SPAN, after, after.history.length);
      }
    },
  };
}
