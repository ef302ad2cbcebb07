/**
 * Business dates are UTC calendar days ('YYYY-MM-DD'), whatever the server's time zone:
 * "today" for a snapshot, an assignment or a settlement run is the same day on every host.
 */
export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

export const todayUtc = (): string => utcDay(new Date());
