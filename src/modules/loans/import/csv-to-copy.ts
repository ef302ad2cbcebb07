import { parse, Parser } from 'csv-parse';
import type { FieldError } from '../../../common/errors/domain-error';
import { MAX_PROBLEM_ERRORS } from '../../../common/errors/problem';
import { CsvSchema, encodeRow, ImportHeader, LOAN_IMPORT, lineTracker, readHeader } from './import-columns';

export const MAX_IMPORT_ERRORS = MAX_PROBLEM_ERRORS;
const BATCH_CHARS = 64 * 1024;

/** The parse stopped early: the file is already rejected, so the rest need not be read. */
export class Rejected extends Error {}

export interface CsvToCopy<C extends string = string> {
  /** Readable side: COPY text in ~64 KB strings (nothing once any row has failed). */
  stream: Parser;
  header: () => ImportHeader<C> | null;
  errors: FieldError[];
  rows: () => number;
  /** Where the parse is: the line the record being read starts on (for csv-parse's errors). */
  line: () => number;
}

/**
 * A csv-parse stream that checks each record and emits COPY text instead of records.
 * The work happens in the parser's own `push`, which csv-parse calls synchronously for each
 * record, with its live `info` (the empty lines skipped so far) still current: that avoids
 * `on_record` (which copies `info` twice per record) and spares a stream hop per record.
 */
export function csvToCopy<C extends string>(opts: { maxRecordBytes?: number; schema?: CsvSchema<C> } = {}): CsvToCopy<C> {
  const schema = opts.schema ?? (LOAN_IMPORT as unknown as CsvSchema<C>);
  // max_record_size bounds a record's field bytes (a quoted field may span many lines).
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: opts.maxRecordBytes ?? 0 });
  const lines = lineTracker();
  const errors: FieldError[] = [];
  const push = parser.push.bind(parser);
  let header: ImportHeader<C> | null = null;
  let rows = 0;
  let buffer = '';
  let stopped = false;
  const stop = () => {
    stopped = true;
    parser.destroy(new Rejected());
    return false;
  };
  parser.push = (record: unknown, encoding?: BufferEncoding): boolean => {
    if (record === null) {
      if (buffer && !errors.length) push(buffer);
      buffer = '';
      return push(null, encoding);
    }
    if (stopped) return false;
    const line = lines.start(record as string[], parser.info.empty_lines);
    if (!header) {
      const read = readHeader(record as string[], schema);
      errors.push(...read.errors);
      header = read.header;
      return header ? true : stop();
    }
    rows++;
    const text = encodeRow(header, record as string[], line, errors);
    if (errors.length) return errors.length >= MAX_IMPORT_ERRORS ? stop() : true;
    buffer += text;
    if (buffer.length < BATCH_CHARS) return true;
    const chunk = buffer;
    buffer = '';
    return push(chunk);
  };
  return { stream: parser, header: () => header, errors, rows: () => rows, line: () => lines.next(parser.info.empty_lines) };
}
