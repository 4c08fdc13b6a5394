import { isTimeZone } from './business-hours.ts';
import { isObject, onlyKeys, type Report } from './rule-checks.ts';
import { WEEKDAYS, type BusinessHours, type Weekday } from './rule-types.ts';

const INTERVAL = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

/** `{ timeZone: "America/Sao_Paulo", weekly: { mon: ["09:00-12:00", "13:00-18:00"], … } }`; a missing day is closed. */
export function parseBusinessHours(report: Report, v: unknown): BusinessHours | undefined {
  if (!isObject(v)) return void report('', 'an object { timeZone, weekly }');
  onlyKeys(report, '', v, ['timeZone', 'weekly']);
  const tz = v['timeZone'];
  const timeZone = typeof tz === 'string' && isTimeZone(tz) ? tz : undefined;
  if (timeZone === undefined) report('timeZone', `an IANA time zone such as "Europe/Berlin", got ${JSON.stringify(tz)}`);
  const weekly = v['weekly'];
  if (!isObject(weekly)) return void report('weekly', 'an object with days (sun, mon, tue, wed, thu, fri, sat) as keys and "HH:MM-HH:MM" lists');
  onlyKeys(report, 'weekly', weekly, WEEKDAYS);
  let ok = timeZone !== undefined;
  const days = {} as Record<Weekday, { from: number; to: number }[]>;
  for (const day of WEEKDAYS) {
    const list = weekly[day] ?? [];
    days[day] = [];
    if (!Array.isArray(list)) {
      report(`weekly.${day}`, 'a list of "HH:MM-HH:MM" intervals');
      ok = false;
      continue;
    }
    list.forEach((item, i) => {
      const m = typeof item === 'string' ? INTERVAL.exec(item) : null;
      const from = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
      const to = m ? Number(m[3]) * 60 + Number(m[4]) : NaN;
      if (!m || to > 24 * 60 || from >= to) {
        report(`weekly.${day}[${i}]`, `an interval "HH:MM-HH:MM" with start before end (end at most 24:00), got ${JSON.stringify(item)}`);
        ok = false;
      } else days[day].push({ from, to });
    });
  }
  return ok && timeZone !== undefined ? { timeZone, weekly: days } : undefined;
}
