/** The rules of auto-reply, as validated from the rules file (parse-rules.ts). */

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Opening intervals in minutes since local midnight, [from, to). */
export interface BusinessHours {
  timeZone: string;
  weekly: Readonly<Record<Weekday, readonly { from: number; to: number }[]>>;
}

export type Trigger =
  /** Each keyword is a sequence of normalised words (lower case, no diacritics). */
  | { type: 'keywords'; keywords: readonly (readonly string[])[]; match: 'word' | 'exact' }
  | { type: 'regex'; regex: RegExp }
  | { type: 'buttonIds'; ids: readonly string[] }
  | { type: 'listIds'; ids: readonly string[] }
  | { type: 'payloads'; payloads: readonly string[] }
  | { type: 'greeting' }
  | { type: 'outsideBusinessHours' }
  | { type: 'default' };

export type TriggerType = Trigger['type'];

export interface ReplyButton {
  id: string;
  title: string;
}

export interface ListRow {
  id: string;
  title: string;
  description?: string;
}

/** What a rule answers (WHATSAPP.md, "Sending"): text, reply buttons (≤ 3) or a list. */
export type ReplyMessage =
  | { type: 'text'; text: string; previewUrl: boolean }
  | { type: 'buttons'; body: string; header?: string; footer?: string; buttons: readonly ReplyButton[] }
  | { type: 'list'; body: string; header?: string; footer?: string; button: string; sections: readonly { title?: string; rows: readonly ListRow[] }[] };

export interface Rule {
  id: string;
  trigger: Trigger;
  /** Business numbers the rule applies to; null: all of them. */
  phoneNumberIds: readonly string[] | null;
  reply: ReplyMessage;
  markAsRead: boolean;
}

export interface RuleBook {
  /** In file order: the first matching rule wins. */
  rules: readonly Rule[];
  /** Per business number (phone_number_id), with `*` as the default for the others. */
  businessHours: ReadonlyMap<string, BusinessHours>;
}
