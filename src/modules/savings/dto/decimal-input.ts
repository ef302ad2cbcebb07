import { registerDecorator, ValidationOptions } from 'class-validator';
import { Big, decimalFromJson } from '../../../common/money/decimal';

/**
 * Savings inputs take amounts and rates as JSON numbers or decimal strings. A number is read
 * through its shortest decimal text (decimalFromJson), never through float arithmetic.
 */
function decimalDecorator(
  name: string,
  check: (d: Big, text: string) => boolean,
  message: (property: string) => string,
  validationOptions?: ValidationOptions,
) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name,
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate: (v: unknown) => {
          const text = decimalFromJson(v);
          return text !== null && text.length <= 40 && check(new Big(text), text);
        },
        defaultMessage: () => message(propertyName),
      },
    });
}

const decimals = (text: string) => (text.includes('.') ? text.split('.')[1].length : 0);

/** An amount > 0 with at most 2 decimals. */
export const IsSavingsAmount = (opts?: ValidationOptions) =>
  decimalDecorator(
    'isSavingsAmount',
    (d, t) => d.gt(0) && decimals(t) <= 2 && d.lt('1e15'),
    (p) => `${p} must be a number or decimal string greater than 0 with at most 2 decimals`,
    opts,
  );

/** A deposit limit ≥ 0 with at most 2 decimals. */
export const IsSavingsLimit = (opts?: ValidationOptions) =>
  decimalDecorator(
    'isSavingsLimit',
    (d, t) => d.gte(0) && decimals(t) <= 2 && d.lt('1e15'),
    (p) => `${p} must be a number or decimal string ≥ 0 with at most 2 decimals`,
    opts,
  );

/** A gross rate as a fraction in [0, 1) (0.045 = 4.5 %). */
export const IsSavingsRate = (opts?: ValidationOptions) =>
  decimalDecorator(
    'isSavingsRate',
    (d, t) => d.gte(0) && d.lt(1) && decimals(t) <= 10,
    (p) => `${p} must be a fraction ≥ 0 and < 1 (0.045 = 4.5 %), as a number or decimal string`,
    opts,
  );

/** The exact decimal text of a validated input. */
export function decimalText(v: unknown): string {
  const text = decimalFromJson(v);
  if (text === null) throw new Error('decimalText on an unvalidated value');
  return text;
}
