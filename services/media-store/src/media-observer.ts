/** Observability hooks of media-store; every one is optional and the default does nothing. */
export interface MediaObserver {
  /** One call to the Graph API: a lookup (`GET /<media-id>`) or a download of its URL. */
  graphCall?(kind: 'lookup' | 'download'): void;
  /** A media downloaded and stored: its size. */
  fetched?(bytes: number): void;
  /** A failed attempt, by code (Meta's error code, an HTTP status, or ours). */
  failed?(code: string): void;
  /** A media recorded unavailable, by code. */
  unavailable?(code: string): void;
}
