import { registerDecorator, ValidationOptions } from 'class-validator';
import { utcDay } from '../time/today';
import { Big, isDecimalString, isMoneyString } from './decimal';

/** A loan-side money field: a decimal string with at most 2 decimals (JSON numbers are refused). */
export function IsMoney(opts: { positive?: boolean } = {}, validationOptions?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isMoney',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate: (v: unknown) => isMoneyString(v) && (!opts.positive || new Big(v).gt(0)),
        defaultMessage: () =>
          `${propertyName} must be a decimal string with at most 2 decimals${opts.positive ? ', greater than 0' : ''} (e.g. "1234.50")`,
      },
    });
}

/** A rate as a decimal-fraction string within [min, max). */
export function IsRate(bounds: { min?: string; maxExclusive?: string; maxInclusive?: string } = {}, validationOptions?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isRate',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate: (v: unknown) => {
          if (!isDecimalString(v) || v.length > 40) return false;
          const b = new Big(v);
          if (bounds.min !== undefined && b.lt(bounds.min)) return false;
          if (bounds.maxExclusive !== undefined && b.gte(bounds.maxExclusive)) return false;
          if (bounds.maxInclusive !== undefined && b.gt(bounds.maxInclusive)) return false;
          return true;
        },
        defaultMessage: () =>
          `${propertyName} must be a decimal string${bounds.min !== undefined ? ` ≥ ${bounds.min}` : ''}${bounds.maxExclusive ? ` and < ${bounds.maxExclusive}` : ''}${bounds.maxInclusive ? ` and ≤ ${bounds.maxInclusive}` : ''}`,
      },
    });
}

/** A calendar date YYYY-MM-DD that exists (2026-02-30 is refused). */
export function IsIsoDate(validationOptions?: ValidationOptions) {
  return IsIsoDateFrom('', validationOptions);
}

/** A date YYYY-MM-DD on or after `min` (ISO dates compare as strings; '' = no lower bound). */
export function IsIsoDateFrom(min: string, validationOptions?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: min ? 'isIsoDateFrom' : 'isIsoDate',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate: (v: unknown) => isIsoDate(v) && v >= min,
        defaultMessage: () => `${propertyName} must be a date YYYY-MM-DD${min ? ` on or after ${min}` : ''}`,
      },
    });
}

export function isIsoDate(v: unknown): v is string {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && utcDay(d) === v;
}
