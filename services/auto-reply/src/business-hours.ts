import { WEEKDAYS, type BusinessHours, type Weekday } from './rule-types.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the IANA zone is known to this runtime's Intl data. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Local weekday and minute of the day of an instant in a time zone (daylight saving included, via Intl). */
export function localWeekTime(timeZone: string, atMs: number): { day: Weekday; minute: number } {
  let day: Weekday = 'sun';
  let hour = 0;
  let minute = 0;
  for (const p of formatter(timeZone).formatToParts(new Date(atMs))) {
    if (p.type === 'weekday') day = (WEEKDAYS.find((d) => p.value.toLowerCase().startsWith(d)) ?? 'sun') as Weekday;
    else if (p.type === 'hour') hour = Number(p.value) % 24;
    else if (p.type === 'minute') minute = Number(p.value);
  }
  return { day, minute: hour * 60 + minute };
}

/** Whether the business is open at `atMs` by its weekly hours in its own time zone. */
export function isOpen(hours: BusinessHours, atMs: number): boolean {
  const { day, minute } = localWeekTime(hours.timeZone, atMs);
  return hours.weekly[day].some((i) => minute >= i.from && minute < i.to);
}
