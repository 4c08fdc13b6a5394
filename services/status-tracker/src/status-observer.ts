/** Observability hooks of the status-tracker; every one is optional and the default does nothing. */
export interface StatusObserver {
  /** Once per message, when the store first holds both its sent and delivered times: the seconds between them (Meta's clock). */
  sentToDelivered?(seconds: number): void;
  /** The same for sent and read. */
  sentToRead?(seconds: number): void;
}
