import nodemailer from 'nodemailer';
import type { AttemptResult } from './decide-attempt.ts';

/**
 * The one place SMTP is spoken. nodemailer, because SMTP done right (EHLO, STARTTLS, AUTH, dot-stuffing, reply
 * codes) is not a thing to rewrite; it sits behind this function type so nothing else depends on it.
 */
export type SendMail = (m: { from: string; to: string[]; subject: string; text: string; deliveryId: string }) => Promise<AttemptResult>;

export function createSendMail(smtpUrl: string, timeoutMs: number): SendMail & { close(): void } {
  const transport = nodemailer.createTransport(smtpUrl, { connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs });
  const send: SendMail = async (m) => {
    try {
      await transport.sendMail({ from: m.from, to: m.to, subject: m.subject, text: m.text, headers: { 'X-Wabus-Delivery-Id': m.deliveryId } });
      return { type: 'answered', status: 200 };
    } catch (err) {
      const e = err as { responseCode?: number; code?: string; command?: string };
      // SMTP 4xx: try later (as HTTP 503); 5xx: refused for good (as HTTP 400).
      if (typeof e.responseCode === 'number') return { type: 'answered', status: e.responseCode >= 500 ? 400 : 503 };
      // No connection made: nothing was sent. Cut or silent after DATA: the server may have accepted it.
      if (e.code === 'ECONNECTION' && e.command === 'CONN') return { type: 'not_sent', code: 'ECONNECTION' };
      return { type: 'in_doubt', code: e.code ?? 'error' };
    }
  };
  return Object.assign(send, { close: () => transport.close() });
}
