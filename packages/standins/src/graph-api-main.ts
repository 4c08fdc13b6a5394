/**
 * The Graph API stand-in as a process of its own (by hand, or `pnpm dev` if it prefers a process):
 *   node packages/standins/src/graph-api-main.ts
 * GRAPH_API_STANDIN_PORT (default 8090) and WHATSAPP_ACCESS_TOKEN (default the dev token). One log line per request.
 */
import { runGraphApiStandIn } from './graph-api.ts';

const standIn = await runGraphApiStandIn({
  port: Number(process.env['GRAPH_API_STANDIN_PORT'] ?? 8090),
  accessToken: process.env['WHATSAPP_ACCESS_TOKEN'] || undefined,
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void standIn.close().then(() => process.exit(0)));
