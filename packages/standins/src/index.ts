// Local stand-ins for what is truly outside wabus (Meta's Graph API, a CRM, a customer's webhook endpoint): real HTTP servers that record every
// request and can be told to answer slowly, with errors, or by dropping the connection. Used by tests and `pnpm dev`.
export * from './graph-api.ts';
export * from './crm.ts';
export * from './webhook-endpoint.ts';
