import { CronExpressionParser } from 'cron-parser';
import { utcDay } from '../common/time/today';

/** The latest time the UTC cron fired at or before `now`. */
export function previousFire(cron: string, now: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: now, tz: 'UTC' }).prev().toDate();
}

/**
 * The fire time a schedule missed and should run once now, or null. Only a fire of today
 * (UTC) counts, and only once its grace period has passed without a success since it: a day
 * already over is not replayed (a snapshot run can only be dated today), and a run that is
 * merely late is given its grace first. `caughtUpFor` is the last fire already caught up.
 */
export function missedFire(
  cron: string,
  now: Date,
  graceMs: number,
  lastSuccess: Date | null,
  caughtUpFor: Date | null,
): Date | null {
  const fire = previousFire(cron, now);
  if (utcDay(fire) !== utcDay(now)) return null;
  if (now.getTime() < fire.getTime() + graceMs) return null;
  if (lastSuccess && lastSuccess >= fire) return null;
  if (caughtUpFor && caughtUpFor >= fire) return null;
  return fire;
}
