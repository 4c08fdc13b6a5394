export type TelemetryDecision = { enabled: true; exporters: string } | { enabled: false; reason: string };

const set = (v: string | undefined): v is string => v !== undefined && v.trim() !== '';

/**
 * Whether to start the SDK at all, from the standard variables. Tracing is opt-in: without an OTLP endpoint or an
 * explicit `OTEL_TRACES_EXPORTER` nothing is loaded and every span call in wabus is the API's no-op.
 */
export function telemetryDecision(env: NodeJS.ProcessEnv): TelemetryDecision {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return { enabled: false, reason: 'OTEL_SDK_DISABLED=true' };
  const exporters = env['OTEL_TRACES_EXPORTER'];
  if (set(exporters)) {
    const names = exporters
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '' && s !== 'none');
    return names.length === 0 ? { enabled: false, reason: 'OTEL_TRACES_EXPORTER=none' } : { enabled: true, exporters: names.join(',') };
  }
  if (set(env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']) || set(env['OTEL_EXPORTER_OTLP_ENDPOINT'])) return { enabled: true, exporters: 'otlp' };
  return { enabled: false, reason: 'neither OTEL_EXPORTER_OTLP_ENDPOINT nor OTEL_TRACES_EXPORTER is set' };
}
