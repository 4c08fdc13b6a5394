/** What a code means: the HTTP status it answers with (when it reaches an API) and its default message. */
export interface ErrorSpec {
  status: number;
  message: string;
}

export interface CodedErrorOptions {
  /** Replaces the code's default message: say what exactly was wrong. */
  message?: string;
  /** The query or path parameter at fault, shown in the error envelope. */
  param?: string;
  cause?: unknown;
}

/** An error with a stable code (callers classify by it, never by message), its HTTP status and the parameter at fault. */
export class CodedError<C extends string = string> extends Error {
  readonly code: C;
  readonly statusCode: number;
  readonly param: string | undefined;

  constructor(name: string, code: C, spec: ErrorSpec, options?: CodedErrorOptions) {
    super(options?.message ?? spec.message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = name;
    this.code = code;
    this.statusCode = spec.status;
    this.param = options?.param;
  }
}

/**
 * A package's error class from its table of codes (fastify's `createError` is the model): one place maps each code to
 * its status and default message, and the class accepts only those codes.
 *
 *   export const SHOP_ERRORS = { WABUS_SHOP_NOT_FOUND: { status: 404, message: 'no such order' } } as const;
 *   export class ShopError extends defineErrors('ShopError', SHOP_ERRORS) {}
 *   throw new ShopError('WABUS_SHOP_NOT_FOUND', { message: `no order ${id}`, param: 'id' });
 */
export function defineErrors<T extends Record<string, ErrorSpec>>(name: string, specs: T) {
  return class extends CodedError<Extract<keyof T, string>> {
    constructor(code: Extract<keyof T, string>, options?: CodedErrorOptions) {
      super(name, code, specs[code] as ErrorSpec, options);
    }
  };
}
