import type { FastifyPluginAsync } from 'fastify';
import type { Db } from 'mongodb';
import { accountCollections } from './account-indexes.ts';
import { findPhoneNumber, findTemplate, findWaba, listTemplates } from './account-queries.ts';
import { historyView, stateView, wabaView } from './account-views.ts';
import { AccountStateError } from './errors.ts';
import { optionalParam, parseLimit, parseTemplateScope, parseTenant } from './query-params.ts';

type Query = Record<string, unknown>;

const notFound = (param: string, what: string) => new AccountStateError('WABUS_ACCOUNT_STATE_NOT_FOUND', { param, message: `no state is known for ${what}` });

/**
 * The read API (registered by the consumer service with its database). Every route takes `tenant=<id>`: another
 * tenant's entity is 404, as an unknown one. Bad parameters: 400 WABUS_ACCOUNT_STATE_BAD_PARAM naming the parameter.
 * - GET /v1/wabas/:id, /v1/wabas/:id/history
 * - GET /v1/phone-numbers/:id (Meta id or display number), /v1/phone-numbers/:id/history
 * - GET /v1/templates?wabaId= | phoneNumberId= [&name=&language=&status=&limit=]: a WABA's templates
 * - GET /v1/templates/:wabaId/:name/:language, …/history
 */
export const accountRoutes: FastifyPluginAsync<{ db: Db; now?: () => number }> = async (app, { db, now = Date.now }) => {
  const c = accountCollections(db);

  app.get<{ Params: { id: string } }>('/v1/wabas/:id', async (req) => {
    const doc = await findWaba(c, req.params.id, parseTenant(req.query as Query));
    if (doc === null) throw notFound('id', `WABA ${req.params.id}`);
    return wabaView(doc, Math.floor(now() / 1000));
  });

  app.get<{ Params: { id: string } }>('/v1/wabas/:id/history', async (req) => {
    const doc = await findWaba(c, req.params.id, parseTenant(req.query as Query));
    if (doc === null) throw notFound('id', `WABA ${req.params.id}`);
    return historyView(doc);
  });

  app.get<{ Params: { id: string } }>('/v1/phone-numbers/:id', async (req) => {
    const doc = await findPhoneNumber(c, req.params.id, parseTenant(req.query as Query));
    if (doc === null) throw notFound('id', `business number ${req.params.id}`);
    return stateView(doc);
  });

  app.get<{ Params: { id: string } }>('/v1/phone-numbers/:id/history', async (req) => {
    const doc = await findPhoneNumber(c, req.params.id, parseTenant(req.query as Query));
    if (doc === null) throw notFound('id', `business number ${req.params.id}`);
    return historyView(doc);
  });

  // The sender's question (docs/sender.md): this number's WABA's template of this name and language, if any is known.
  app.get('/v1/templates', async (req) => {
    const query = req.query as Query;
    const tenant = parseTenant(query);
    const scope = parseTemplateScope(query);
    const q = {
      name: optionalParam(query, 'name'),
      language: optionalParam(query, 'language'),
      status: optionalParam(query, 'status'),
      limit: parseLimit(query),
    };
    // A number account-state has seen no event with metadata from has no known WABA: no templates, not an error.
    const wabaId = 'wabaId' in scope ? scope.wabaId : ((await findPhoneNumber(c, scope.phoneNumberId, tenant))?.wabaId ?? null);
    const templates = wabaId === null ? [] : await listTemplates(c, { wabaId, ...q }, tenant);
    return { wabaId, count: templates.length, templates: templates.map(stateView) };
  });

  app.get<{ Params: { wabaId: string; name: string; language: string } }>('/v1/templates/:wabaId/:name/:language', async (req) => {
    const { wabaId, name, language } = req.params;
    const doc = await findTemplate(c, wabaId, name, language, parseTenant(req.query as Query));
    if (doc === null) throw notFound('name', `template ${name} (${language}) of WABA ${wabaId}`);
    return stateView(doc);
  });

  app.get<{ Params: { wabaId: string; name: string; language: string } }>('/v1/templates/:wabaId/:name/:language/history', async (req) => {
    const { wabaId, name, language } = req.params;
    const doc = await findTemplate(c, wabaId, name, language, parseTenant(req.query as Query));
    if (doc === null) throw notFound('name', `template ${name} (${language}) of WABA ${wabaId}`);
    return historyView(doc);
  });
};
