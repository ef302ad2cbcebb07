/**
 * One description per parameter name: the same name means the same thing on every route, so it is
 * written once here rather than on each DTO. A new parameter without an entry fails
 * `openapi-document.spec.ts`.
 */
export const PARAMETER_DOCS: Record<string, { description: string; example?: unknown }> = {
  'header:if-modified-since': { description: 'HTTP-date or ISO-8601; at or after Last-Modified → 304', example: 'Wed, 01 Oct 2025 16:00:00 GMT' },
  'header:if-match': { description: 'The version from the ETag of the last read; a stale version → 412', example: '"3"' },
  'path:clientReference': { description: "The partner's own reference for the savings client", example: 'client-0001' },
  'path:instructionReference': { description: 'The instructionReference the instruction was requested with', example: 'dep-2026-0001' },
  'path:loanId': { description: 'Loan id' },
  'path:productId': { description: 'Savings product id (a digit string)', example: '1042' },
  'query:PageNumber': { description: '1-based page number', example: 1 },
  'query:PageSize': { description: 'Items per page (at most 500)', example: 50 },
  'query:action': { description: 'Only events with this action, e.g. loan.update', example: 'loan.update' },
  'query:clientReference': { description: "Only this client's instructions", example: 'client-0001' },
  'query:config_id': { description: 'Only tapes generated from this config' },
  'query:currency': { description: 'Only instruments in this ISO 4217 currency', example: 'USD' },
  'query:basis': { description: 'months_on_book (default): points keyed by months on book; calendar: keyed by month-end "YYYY-MM"' },
  'query:format': { description: 'csv or xlsx for a file (as with Accept: text/csv or the XLSX media type); default json' },
  'query:cursor': { description: 'Keyset paging: empty for the first page, then the value from `next`; count is null in this mode' },
  'query:date_from': { description: 'Earliest date, inclusive (YYYY-MM-DD)' },
  'query:date_to': { description: 'Latest date, inclusive (YYYY-MM-DD)' },
  'query:delinquency_bucket': { description: 'One bucket or a comma-separated list' },
  'query:include_archived': { description: 'true lists archived portfolios too' },
  'query:investor_type': { description: 'Only investors of this type' },
  'query:is_active': { description: 'Only active (true) or inactive (false) configs' },
  'query:loan_id': { description: 'Only rows for this loan' },
  'query:loan_number': { description: 'Exact loan number', example: 'L-000123' },
  'query:origination_date_gte': { description: 'Originated on or after this date (YYYY-MM-DD)' },
  'query:origination_date_lte': { description: 'Originated on or before this date (YYYY-MM-DD)' },
  'query:page': { description: '1-based page number', example: 1 },
  'query:page_size': { description: 'Items per page (at most 500)', example: 50 },
  'query:period': { description: 'Cohort by origination month or quarter' },
  'query:portfolio_id': { description: 'Only rows in this portfolio' },
  'query:portfolio_type': { description: 'Only static or only dynamic portfolios' },
  'query:program_id': { description: 'Only loans of this program' },
  'query:resource_id': { description: 'Only events about this resource id' },
  'query:resource_type': { description: 'Only events about this resource type, e.g. loan', example: 'loan' },
  'query:snapshot_date': { description: 'Only snapshots of this date (YYYY-MM-DD)' },
  'query:status': { description: 'Only items in this status (see the allowed values)' },
  'query:unassigned': { description: 'true: only loans in no portfolio; false: only loans in some portfolio' },
};

/** `id` in `/loan-tape-configs/{id}/generate` → "Loan tape config id (uuid)". */
export function idDescription(path: string): string {
  const segment = path.split('/{id}')[0].split('/').pop() ?? 'resource';
  const noun = segment.replace(/-/g, ' ').replace(/ies$/, 'y').replace(/s$/, '');
  return `${noun.charAt(0).toUpperCase()}${noun.slice(1)} id`;
}
