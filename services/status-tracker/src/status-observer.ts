/** Observability hooks of the status-tracker; every one is optional and the default does nothing. */
export interface StatusObserver {
  /** Once per message, when the store first holds both its sent and delivered times: the seconds between them (Meta's clock). */
  sentToDelivered?(seconds: number): void;
  /** The same for sent and read. */
  sentToRead?(seconds: number): void;
  /** A `whatsapp.sends.v1` record joined to nothing: a send that was not sent (no wamid), or not a send event at all. */
  sendSkipped?(reason: 'not_sent' | 'malformed'): void;
}
