/**
 * What a code means: its default message and, for a code that can reach an API, the HTTP status it answers with.
 * A code without a status (a library's, a CLI's, a start-up failure) is, should it ever reach an API, an unexpected
 * error there: a 500 with the service's INTERNAL code, logged.
 */
export interface ErrorSpec {
  status?: number;
  message: string;
}

export interface CodedErrorOptions {
  /** Replaces the code's default message: say what exactly was wrong. */
  message?: string;
  /**
   * What is at fault: the query or path parameter (shown in the error envelope), the environment variable, the
   * field of a file.
   */
  param?: string;
  /** Structured facts for callers that act on them and for `--json` output (e.g. the entries already re-driven). */
  details?: Readonly<Record<string, unknown>>;
  cause?: unknown;
}

/** An error with a stable code (callers classify by it, never by message), its HTTP status if any and what is at fault. */
export class CodedError<C extends string = string> extends Error {
  readonly code: C;
  readonly statusCode: number | undefined;
  readonly param: string | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(name: string, code: C, spec: ErrorSpec, options?: CodedErrorOptions) {
    super(options?.message ?? spec.message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = name;
    this.code = code;
    this.statusCode = spec.status;
    this.param = options?.param;
    this.details = options?.details;
  }
}

/**
 * A package's error class from its table of codes (fastify's `createError` is the model): one place maps each code to
 * its status and default message, and the class accepts only those codes.
 *
 *   export const SHOP_ERRORS = { WABUS_SHOP_NOT_FOUND: { status: 404, message: 'no such order' } } as const;
 *   export class ShopError extends defineErrors('ShopError', SHOP_ERRORS) {}
 *   throw new ShopError('WABUS_SHOP_NOT_FOUND', { message: `no order ${id}`, param: 'id' });
 *   if (ShopError.is(err, 'WABUS_SHOP_NOT_FOUND')) ...
 */
export function defineErrors<T extends Record<string, ErrorSpec>>(name: string, specs: T) {
  return class extends CodedError<Extract<keyof T, string>> {
    /** A number when every code of the table has a status (an API's table), so handlers need no fallback. */
    declare readonly statusCode: T[keyof T] extends { status: number } ? number : number | undefined;

    constructor(code: Extract<keyof T, string>, options?: CodedErrorOptions) {
      super(name, code, specs[code] as ErrorSpec, options);
    }

    /** `err` is one of this class's errors (with `code`, when given): `KafkaError.is(err, 'WABUS_KAFKA_CLOSED')`. */
    static is<E>(this: abstract new (...args: never[]) => E, err: unknown, code?: Extract<keyof T, string>): err is E {
      return err instanceof this && (code === undefined || (err as CodedError).code === code);
    }
  };
}
