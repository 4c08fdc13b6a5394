import type { StatusFact } from './status-fact.ts';
import type { StatusError } from './status-document.ts';

/** A status fact with quiet defaults; tests override what they are about. */
export function fact(status: string | null, timestamp: number | null, over: Partial<StatusFact> = {}): StatusFact {
  return {
    id: 'wamid.A',
    phoneNumberId: '1065',
    tenantId: null,
    status,
    timestamp,
    recipientId: '5511999990000',
    recipientUserId: null,
    recipientType: null,
    participantId: null,
    participantUserId: null,
    pricing: null,
    conversation: null,
    errors: [],
    bizOpaqueCallbackData: null,
    ...over,
  };
}

export const error = (code: number, title = `error ${code}`): StatusError => ({ code, title, message: title, details: `details of ${code}`, href: null });

/** Every permutation of a list (n! of them). */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((first, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [first, ...rest]));
}
