import type { TapeFormat, TapeSchedule } from './tape-rules';

export const CONFIG_COLUMNS = `id, name, portfolio_id, format, columns, schedule, schedule_hour, is_active, created_at, updated_at, version`;

export interface ConfigRow {
  id: string;
  name: string;
  portfolio_id: string | null;
  format: TapeFormat;
  columns: string[];
  schedule: TapeSchedule;
  schedule_hour: number;
  is_active: boolean;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export const configView = (r: ConfigRow) => ({
  id: r.id,
  name: r.name,
  portfolio_id: r.portfolio_id,
  format: r.format,
  columns: r.columns,
  schedule: r.schedule,
  schedule_hour: r.schedule_hour,
  is_active: r.is_active,
  created_at: r.created_at,
  updated_at: r.updated_at,
  version: r.version,
});

export const TAPE_COLUMNS_SQL = `id, config_id, status, trigger, format, columns, portfolio_id, to_char(as_of_date, 'YYYY-MM-DD') AS as_of_date,
  source, file_name, storage_key, row_count::text AS row_count, byte_size::text AS byte_size, sha256, failed_reason,
  job_id, attempts, requested_by, created_at, started_at, completed_at`;

export interface TapeRow {
  id: string;
  config_id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  trigger: 'manual' | 'schedule';
  format: TapeFormat;
  columns: string[];
  portfolio_id: string | null;
  as_of_date: string;
  source: 'live' | 'snapshot';
  file_name: string;
  storage_key: string | null;
  row_count: string | null;
  byte_size: string | null;
  sha256: string | null;
  failed_reason: string | null;
  job_id: string | null;
  attempts: number;
  requested_by: string;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

/** Counts fit a JS number comfortably (a tape has at most a few million rows and a few GB). */
export const tapeView = (r: TapeRow) => ({
  id: r.id,
  config_id: r.config_id,
  status: r.status,
  trigger: r.trigger,
  format: r.format,
  columns: r.columns,
  portfolio_id: r.portfolio_id,
  as_of_date: r.as_of_date,
  source: r.source,
  row_count: r.row_count === null ? null : Number(r.row_count),
  byte_size: r.byte_size === null ? null : Number(r.byte_size),
  sha256: r.sha256,
  file_name: r.file_name,
  download_url: r.status === 'completed' ? `/loan-tapes/${r.id}/download` : null,
  errors: r.failed_reason ? [{ field: null, message: r.failed_reason }] : [],
  failed_reason: r.failed_reason,
  job_id: r.job_id,
  status_url: r.job_id && !r.job_id.includes(':') ? `/jobs/${r.job_id}` : null,
  requested_by: r.requested_by,
  created_at: r.created_at,
  started_at: r.started_at,
  completed_at: r.completed_at,
});
