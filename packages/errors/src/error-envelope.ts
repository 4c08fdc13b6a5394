import type { FastifyError, FastifyInstance } from 'fastify';
import { CodedError } from './define-errors.ts';

/** The body of every error answer of every wabus API. */
export interface ErrorEnvelope {
  error: { code: string; message: string; param?: string };
}

export const errorEnvelope = (e: { code: string; message: string; param?: string | undefined }): ErrorEnvelope => ({
  error: { code: e.code, message: e.message, ...(e.param === undefined || e.param === '' ? {} : { param: e.param }) },
});

/**
 * Answers every error of these routes with the one envelope: a CodedError that has a status with it, its code and
 * parameter; fastify's own 4xx (a body too large, a bad content type) with its status and code; anything else (a
 * status-less CodedError included) as a 500 with `internalCode`, logged (its message is not shown: it may say more
 * than a client should know).
 */
export function useErrorEnvelope(app: FastifyInstance, internalCode: string): void {
  app.setErrorHandler((err: FastifyError | CodedError, request, reply) => {
    if (err instanceof CodedError && err.statusCode !== undefined) return reply.code(err.statusCode).send(errorEnvelope(err));
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err }, 'request failed');
      return reply.code(500).send(errorEnvelope({ code: internalCode, message: 'internal error' }));
    }
    return reply.code(status).send(errorEnvelope({ code: err.code ?? internalCode, message: err.message }));
  });
}
