import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional } from 'class-validator';

/** `status=active,defaulted` and `status=active&status=defaulted` both mean "either". */
export const toList = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value.flatMap((v) => String(v).split(',')) : value;

/**
 * An enum filter on a list, with the one grammar every list shares: a value, a comma list, or
 * the parameter repeated; a row matching any of them is listed. SQL: `col = ANY($n)`.
 */
export const AnyOf = (values: readonly string[]) =>
  applyDecorators(IsOptional(), Transform(toList), IsArray(), ArrayMaxSize(values.length), IsIn(values as string[], { each: true }));
