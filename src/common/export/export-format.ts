/**
 * Which representation a read answers in (§11 exports): `?format=` wins, then the Accept
 * header (highest q first, ties in the order given); anything else is JSON.
 */
export const EXPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_TYPE = 'text/csv; charset=utf-8';
/** For @ApiProduces on the routes that export. */
export const EXPORT_MEDIA_TYPES = ['application/json', 'text/csv', XLSX_TYPE];

const BY_MEDIA_TYPE: Record<string, ExportFormat> = {
  'application/json': 'json',
  'application/*': 'json',
  '*/*': 'json',
  'text/csv': 'csv',
  [XLSX_TYPE]: 'xlsx',
};

export function exportFormat(query: string | undefined, accept: string | string[] | undefined): ExportFormat {
  if (query) return query as ExportFormat;
  const header = Array.isArray(accept) ? accept.join(',') : (accept ?? '');
  const ranked = header
    .split(',')
    .map((part, i) => {
      const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { format: BY_MEDIA_TYPE[type], q: q ? Number(q.slice(2)) : 1, i };
    })
    .filter((r) => r.format !== undefined && r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return ranked[0]?.format ?? 'json';
}
