import { StreamableFile } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CSV_TYPE, ExportFormat, XLSX_TYPE } from './export-format';
import { csvOf, ExportTable, xlsxOf } from './table-export';

export interface Exportable<T> {
  json: T;
  /** The flat table CSV carries (one row per point). */
  table: () => ExportTable;
  /** XLSX sheets; by default the CSV table as one sheet. */
  sheets?: () => ExportTable[];
}

/** The answer in the negotiated format: the JSON as is, or the same values as a CSV or XLSX attachment. */
export async function exportAnswer<T>(reply: FastifyReply, format: ExportFormat, fileName: string, e: Exportable<T>): Promise<T | StreamableFile> {
  void reply.header('Vary', 'Accept');
  if (format === 'json') return e.json;
  if (format === 'csv') {
    return new StreamableFile(Buffer.from(csvOf(e.table()), 'utf8'), { type: CSV_TYPE, disposition: `attachment; filename="${fileName}.csv"` });
  }
  const file = await xlsxOf(e.sheets ? e.sheets() : [e.table()]);
  return new StreamableFile(file, { type: XLSX_TYPE, disposition: `attachment; filename="${fileName}.xlsx"` });
}
