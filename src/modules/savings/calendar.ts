/** UTC calendar arithmetic on 'YYYY-MM-DD' business dates (no local time anywhere). */
import { utcDay } from '../../common/time/today';

const DAY_MS = 86_400_000;

const toMs = (d: string): number => Date.parse(`${d}T00:00:00Z`);
const fromMs = (ms: number): string => utcDay(new Date(ms));

export const addDays = (d: string, n: number): string => fromMs(toMs(d) + n * DAY_MS);

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number => Math.round((toMs(to) - toMs(from)) / DAY_MS);

/** Adds calendar months, clamping to the month's last day (Jan 31 + 1 month = Feb 28/29), as Postgres does. */
export function addMonths(d: string, n: number): string {
  const [y, m, day] = d.split('-').map(Number);
  const total = y * 12 + (m - 1) + n;
  const ty = Math.floor(total / 12);
  const tm = total % 12;
  const last = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
  return fromMs(Date.UTC(ty, tm, Math.min(day, last)));
}

export const isLeapYear = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Days of [from, to) that fall in leap years: ACT/ACT divides those by 366, the rest by 365. */
export function leapDaysBetween(from: string, to: string): number {
  let leap = 0;
  for (let y = Number(from.slice(0, 4)); y <= Number(to.slice(0, 4)); y += 1) {
    if (!isLeapYear(y)) continue;
    const start = from > `${y}-01-01` ? from : `${y}-01-01`;
    const end = to < `${y + 1}-01-01` ? to : `${y + 1}-01-01`;
    if (end > start) leap += daysBetween(start, end);
  }
  return leap;
}
