import { defineErrors } from '@wabus/errors';

/** Stable codes of auto-reply; the HTTP status of each API error is mapped here, in one place. */
export const AUTO_REPLY_ERRORS = {
  /** The rules file is missing, not JSON, or invalid: start-up fails with every problem listed. */
  WABUS_AUTO_REPLY_RULES_INVALID: { status: 500, message: 'invalid auto-reply rules' },
  WABUS_AUTO_REPLY_BAD_PARAM: { status: 400, message: 'invalid query parameter' },
  WABUS_AUTO_REPLY_NOT_FOUND: { status: 404, message: 'no outbox entry for this event id' },
} as const;

export type AutoReplyErrorCode = keyof typeof AUTO_REPLY_ERRORS;

export class AutoReplyError extends defineErrors('AutoReplyError', AUTO_REPLY_ERRORS) {}

/** One problem of a rules file: where (a rule, by id and index, or a business-hours entry) and which field. */
export interface RuleProblem {
  where: string;
  field: string;
  message: string;
}

export class RulesError extends AutoReplyError {
  readonly problems: readonly RuleProblem[];

  constructor(source: string, problems: readonly RuleProblem[], options?: { cause?: unknown }) {
    super('WABUS_AUTO_REPLY_RULES_INVALID', {
      message: `${source}: ${problems.length === 1 ? 'invalid rule' : `${problems.length} problems`}:\n${problems.map((p) => `  - ${p.where}: ${p.field}: ${p.message}`).join('\n')}`,
      ...options,
    });
    this.name = 'RulesError';
    this.problems = problems;
  }
}
