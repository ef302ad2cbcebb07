import { PipeTransform } from '@nestjs/common';
import { notFound } from '../errors/common.errors';
import { isUuid } from './uuid';

/**
 * The pipe of every id in a path: an id that cannot name a row (a malformed one) is the same
 * 404, with the same body, as a well-formed id that names no row. A path names a resource; a
 * malformed one names none, and the answer never tells a caller what an id looks like.
 */
export class IdParam implements PipeTransform<string, string> {
  constructor(
    private readonly resource: string,
    private readonly wellFormed: (v: string) => boolean,
  ) {}

  transform(value: string): string {
    if (!this.wellFormed(value)) throw notFound(this.resource, value);
    // One spelling downstream: Postgres reads uuids case-blind, code comparing them in JS must not differ.
    return this.wellFormed === isUuid ? value.toLowerCase() : value;
  }
}

/** `@Param('id', IdOf('Portfolio'))`: a uuid path id of that resource. */
export const IdOf = (resource: string, wellFormed: (v: string) => boolean = isUuid) => new IdParam(resource, wellFormed);
