/** A parsed 6-field NCRONTAB expression (sec min hour day month day-of-week), evaluated in UTC. */
export interface CronSchedule {
  readonly expression: string;
  readonly seconds: ReadonlySet<number>;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly weekdays: ReadonlySet<number>;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  nameBase?: number;
}

const FIELDS: FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { name: 'day-of-week', min: 0, max: 6, names: WEEKDAYS, nameBase: 0 },
];

function value(raw: string, spec: FieldSpec, expression: string): number {
  const named = spec.names?.indexOf(raw.toUpperCase()) ?? -1;
  const n = named >= 0 ? named + (spec.nameBase ?? 0) : /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < spec.min || n > spec.max) {
    throw new Error(
      `NCRONTAB "${expression}": ${spec.name} value "${raw}" is outside ${spec.min}-${spec.max}`,
    );
  }
  return n;
}

function parseField(field: string, spec: FieldSpec, expression: string): Set<number> {
  const out = new Set<number>();
  for (const item of field.split(',')) {
    const [range = '', stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1)
      throw new Error(`NCRONTAB "${expression}": bad step in "${item}"`);
    let lo: number;
    let hi: number;
    if (range === '*') {
      [lo, hi] = [spec.min, spec.max];
    } else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      [lo, hi] = [value(a, spec, expression), value(b, spec, expression)];
      if (lo > hi) throw new Error(`NCRONTAB "${expression}": empty range "${range}"`);
    } else {
      lo = value(range, spec, expression);
      hi = stepText === undefined ? lo : spec.max;
    }
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/**
 * Parses the 6-field NCRONTAB form the Functions timer trigger uses. Like NCrontab (and unlike Vixie
 * cron), a time matches only when both day-of-month and day-of-week match.
 */
export function parseNcrontab(expression: string): CronSchedule {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new Error(
      `NCRONTAB "${expression}" must have 6 fields (sec min hour day month day-of-week), has ${fields.length}`,
    );
  }
  const [seconds, minutes, hours, days, months, weekdays] = fields.map((f, i) =>
    parseField(f, FIELDS[i] as FieldSpec, expression),
  );
  return {
    expression,
    seconds: seconds as Set<number>,
    minutes: minutes as Set<number>,
    hours: hours as Set<number>,
    days: days as Set<number>,
    months: months as Set<number>,
    weekdays: weekdays as Set<number>,
  };
}

const DAY_MS = 86_400_000;

/** The first occurrence strictly after `afterMs` (UTC), or undefined if none within five years. */
export function nextOccurrence(schedule: CronSchedule, afterMs: number): number | undefined {
  const limit = afterMs + 5 * 366 * DAY_MS;
  let t = Math.floor(afterMs / 1000) * 1000 + 1000;
  while (t <= limit) {
    const d = new Date(t);
    if (!schedule.months.has(d.getUTCMonth() + 1)) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    } else if (!schedule.days.has(d.getUTCDate()) || !schedule.weekdays.has(d.getUTCDay())) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
    } else if (!schedule.hours.has(d.getUTCHours())) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
    } else if (!schedule.minutes.has(d.getUTCMinutes())) {
      t = Date.UTC(
        d.getUTCFullYear(),
        d.getUTCMonth(),
        d.getUTCDate(),
        d.getUTCHours(),
        d.getUTCMinutes() + 1,
      );
    } else if (!schedule.seconds.has(d.getUTCSeconds())) {
      t += 1000;
    } else {
      return t;
    }
  }
  return undefined;
}
