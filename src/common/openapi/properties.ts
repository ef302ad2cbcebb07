import { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';

/**
 * Response-schema properties, spelled once. Response classes (`*.responses.ts`) describe the
 * wire shape the view functions build; they are documentation only and never instantiated.
 * Every property is required on the wire (views always write every key); `nullable` says null may come.
 */
export type Extra = { description?: string; nullable?: boolean; example?: unknown; format?: string };

const prop = (schema: ApiPropertyOptions, extra: Extra = {}) =>
  ApiProperty({ required: true, ...schema, ...extra } as ApiPropertyOptions);

export const Uuid = (extra?: Extra) => prop({ type: 'string', format: 'uuid', example: '0b8e5a3c-4f7d-4c1e-9a53-2d6f0e1b7c44' }, extra);
export const Text = (extra?: Extra) => prop({ type: 'string' }, extra);
export const Int = (extra?: Extra) => prop({ type: 'integer' }, extra);
export const Num = (extra?: Extra) => prop({ type: 'number' }, extra);
export const Bool = (extra?: Extra) => prop({ type: 'boolean' }, extra);
export const DateOnly = (extra?: Extra) => prop({ type: 'string', format: 'date', example: '2026-01-15' }, extra);
export const DateTime = (extra?: Extra) => prop({ type: 'string', format: 'date-time', example: '2026-01-15T09:30:00.000Z' }, extra);
export const Url = (extra?: Extra) => prop({ type: 'string', format: 'uri' }, extra);
/** Loan-side money: a decimal string with exactly two decimals. */
export const Money = (extra?: Extra) =>
  prop({ type: 'string', pattern: '^-?\\d+\\.\\d{2}$', example: '1234.50', description: 'Decimal string, 2 decimals' }, extra);
/** A loan-side rate: a decimal-fraction string, at most 6 decimals, trailing zeros dropped. */
export const Rate = (extra?: Extra) =>
  prop({ type: 'string', pattern: '^-?\\d+(\\.\\d{1,6})?$', example: '0.078', description: 'Decimal fraction as a string (0.078 = 7.8 %)' }, extra);
export const OneOf = (values: readonly (string | number)[], extra?: Extra) =>
  prop({ type: typeof values[0] === 'number' ? 'integer' : 'string', enum: [...values] }, extra);
export const ListOf = (item: Type | 'string', extra?: Extra) =>
  item === 'string' ? prop({ type: 'array', items: { type: 'string' } }, extra) : prop({ type: item, isArray: true }, extra);
export const Nested = (type: Type, extra?: Extra) => prop({ type }, extra);
/** A free-form JSON object (criteria, audit changes). */
export const AnyObject = (extra?: Extra) => prop({ type: 'object', additionalProperties: true }, extra);
/** An object with one entry per key (`by_bucket`). */
export const MapOf = (keys: readonly string[], value: ApiPropertyOptions, extra?: Extra) =>
  prop(
    {
      type: 'object',
      properties: Object.fromEntries(keys.map((k) => [k, value])),
      required: [...keys],
      selfRequired: true, // `required` above lists the keys; this says the property itself is required
      additionalProperties: false,
    } as ApiPropertyOptions,
    extra,
  );

/** `{count, next, previous, results}` around `item` (§1); extend it to name it: `class LoanPage extends PageOf(LoanResponse) {}`. */
export function PageOf<T>(item: Type<T>): Type<{ count: number | null; next: string | null; previous: string | null; results: T[] }> {
  class Page {
    @Int({ nullable: true, description: 'Total matches in page mode; null in keyset (cursor) mode', example: 1 })
    count: number | null;
    @Url({ nullable: true, description: 'Absolute URL of the next page, or null' })
    next: string | null;
    @Url({ nullable: true, description: 'Absolute URL of the previous page, or null' })
    previous: string | null;
    @ListOf(item)
    results: T[];
  }
  return Page;
}

/** 202 for work done by a job: poll status_url (`GET /jobs/{id}`). */
export class JobAcceptedResponse {
  @Text({ example: 'snapshots:snapshot-run:…', description: 'Job id' })
  job_id: string;
  @Text({ example: '/jobs/snapshots:snapshot-run:…', description: 'Relative URL to poll for the job state' })
  status_url: string;
}

/** What every mutable loan-side resource ends with: its timestamps and the version sent as ETag. */
export class VersionedResponse {
  @DateTime() created_at: string;
  @DateTime() updated_at: string;
  @Int({ example: 1, description: 'Increments on every change; sent as ETag, checked against If-Match' }) version: number;
}
