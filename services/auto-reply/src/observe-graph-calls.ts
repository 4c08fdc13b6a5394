import type { AutoReplyObserver } from './auto-reply-observer.ts';
import type { GraphClient, GraphOutcome } from '@wabus/graph-send';

const codeOf = (out: GraphOutcome): string => {
  if (out.outcome === 'accepted') return '';
  if (out.outcome === 'unknown') return out.reason;
  return String(out.error.code);
};

/** The client, reporting every call's outcome (a mark-as-read is the body with `status: "read"`). */
export function observeGraphCalls(graph: GraphClient, observer: AutoReplyObserver): GraphClient {
  return {
    async post(req, accessToken) {
      const out = await graph.post(req, accessToken);
      observer.called?.(req.body['status'] === 'read' ? 'mark_read' : 'send', out.outcome, codeOf(out));
      return out;
    },
  };
}
