/**
 * Whether spans are exported from a worker thread (worker-span-exporter.ts): only for the SDK's default, a single
 * `otlp` exporter over http/protobuf, and unless `WABUS_OTEL_EXPORT_WORKER=0` (or `false`) turns it off.
 */
export function exportInWorker(exporters: string, protocol: string, env: NodeJS.ProcessEnv): boolean {
  const optOut = env['WABUS_OTEL_EXPORT_WORKER']?.trim().toLowerCase();
  if (optOut === '0' || optOut === 'false') return false;
  return exporters === 'otlp' && protocol.trim() === 'http/protobuf';
}
