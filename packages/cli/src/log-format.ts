const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const COLORS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m', '\x1b[91m'];
const RESET = '\x1b[0m';
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'v']);

/** Turns one pino JSON line into `[service] hh:mm:ss LEVEL message key=value ...`; other text passes through. */
export function formatLogLine(service: string, index: number, line: string, color: boolean): string {
  const tag = color ? `${COLORS[index % COLORS.length]}[${service}]${RESET}` : `[${service}]`;
  let obj: Record<string, unknown>;
  try {
    obj = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${tag} ${line}`;
  }
  if (typeof obj !== 'object' || obj === null) return `${tag} ${line}`;
  const time = typeof obj['time'] === 'number' ? new Date(obj['time']).toISOString().slice(11, 23) : '';
  const level = LEVELS[obj['level'] as number] ?? String(obj['level']);
  const fields = Object.entries(obj)
    .filter(([k, v]) => !SKIP.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${tag} ${time} ${level} ${String(obj['msg'] ?? '')}${fields ? `  ${fields}` : ''}`;
}
