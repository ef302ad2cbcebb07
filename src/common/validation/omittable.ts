import { ValidateIf } from 'class-validator';

/**
 * May be left out, but not sent as null: `@IsOptional()` would let null through to fields that
 * have no empty value (a NOT NULL column, a date that defaults to today), so null gets the
 * field's own 400 instead.
 */
export const Omittable = () => ValidateIf((_o: unknown, v: unknown) => v !== undefined);
