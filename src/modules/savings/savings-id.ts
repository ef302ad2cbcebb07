/** Savings-side ids are digit strings ("23533"), as Flagstone's are: a Postgres bigint's digits. */
export const SAVINGS_ID = /^\d{1,18}$/;

export const isSavingsId = (v: string): boolean => SAVINGS_ID.test(v);
