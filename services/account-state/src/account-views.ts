import type { HistoryEntry } from './account-fact.ts';
import type { AccountDocument, WabaDocument } from './account-documents.ts';

/** The stored state as the API shows it: `id` for `_id`, no concurrency token, the history counted (its own route lists it). */
export function stateView<D extends AccountDocument>(doc: D): Omit<D, '_id' | '_h' | 'history'> & { id: string; events: number } {
  const { _id, _h: _token, history, ...rest } = doc;
  return { id: _id, ...rest, events: history.length };
}

/** A restriction with an end in the past is over: the stored `alert` (a pure fold has no clock) is judged against `now`. */
export function wabaView(doc: WabaDocument, nowSeconds: number) {
  const view = stateView(doc);
  const until = doc.restriction?.detail['until'];
  const expired = doc.alert === 'RESTRICTED' && typeof until === 'number' && until <= nowSeconds;
  return { ...view, alert: expired ? null : view.alert };
}

/** Every event the entity was given, once each, in Meta's time order. */
export const historyView = (doc: AccountDocument): { id: string; events: number; history: HistoryEntry[] } => ({
  id: doc._id,
  events: doc.history.length,
  history: doc.history,
});
