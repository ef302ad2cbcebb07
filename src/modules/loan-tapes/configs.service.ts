import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../../common/auth/actor';
import { changedFields, recordAudit } from '../../common/audit/audit';
import { badRequest, missingReference, notFound } from '../../common/errors/common.errors';
import type { FieldError } from '../../common/errors/domain-error';
import { listPage } from '../../common/pagination/list-page';
import { assertVersion } from '../../common/versioning/versioning';
import { Sql } from '../../database/sql';
import { TenantDb } from '../../database/tenant-db';
import { Where } from '../../database/where';
import { PortfoliosRepository } from '../portfolios/portfolios.repository';
import { CreateTapeConfigDto, ListConfigsQuery, UpdateTapeConfigDto } from './loan-tapes.dto';
import { COLUMN_NAMES, columnListProblems } from './tape-columns';
import { DEFAULT_SCHEDULE_HOUR } from './tape-rules';
import { TapeSchedules } from './tape-schedules.service';
import { CONFIG_COLUMNS, ConfigRow, configView } from './loan-tapes.views';

function checkColumns(columns: string[]): void {
  const { unknown, duplicates } = columnListProblems(columns);
  const errors: FieldError[] = [];
  if (unknown.length) {
    errors.push({ field: 'columns', message: `unknown: ${unknown.join(', ')}; valid columns are: ${COLUMN_NAMES.join(', ')}` });
  }
  if (duplicates.length) errors.push({ field: 'columns', message: `repeated: ${duplicates.join(', ')}` });
  if (!errors.length) return;
  const detail = unknown.length
    ? `Unknown columns: ${unknown.join(', ')}. Valid columns: ${COLUMN_NAMES.join(', ')}`
    : `Columns are repeated: ${duplicates.join(', ')}`;
  throw badRequest(detail, errors);
}

const MUTABLE = ['name', 'portfolio_id', 'format', 'columns', 'schedule', 'schedule_hour', 'is_active'] as const;
const pick = (r: ConfigRow) => Object.fromEntries(MUTABLE.map((k) => [k, r[k]]));

@Injectable()
export class TapeConfigsService {
  constructor(
    private readonly db: TenantDb,
    private readonly schedules: TapeSchedules,
    private readonly portfolios: PortfoliosRepository,
  ) {}

  list(actor: Actor, q: ListConfigsQuery, req: FastifyRequest) {
    const where = new Where().and`organization_id = ${actor.org}`;
    if (q.is_active !== undefined) where.and`is_active = ${q.is_active}`;
    const list = { columns: CONFIG_COLUMNS, from: 'loan_tape_configs', where, orderBy: 'created_at DESC, id' };
    return this.db.transaction(actor.org, (m) => listPage(m, req, q, list, configView));
  }

  get(actor: Actor, id: string) {
    return this.db.transaction(actor.org, async (m) => configView(await this.require(m, id)));
  }

  create(actor: Actor, dto: CreateTapeConfigDto) {
    checkColumns(dto.columns);
    return this.db.transaction(actor.org, async (m) => {
      if (dto.portfolio_id) await this.checkPortfolio(m, dto.portfolio_id);
      const row = (await m.one<ConfigRow>(`INSERT INTO loan_tape_configs (name, portfolio_id, format, columns, schedule, schedule_hour, is_active)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${CONFIG_COLUMNS}`,
        [dto.name, dto.portfolio_id ?? null, dto.format ?? 'csv', dto.columns, dto.schedule ?? 'none', dto.schedule_hour ?? DEFAULT_SCHEDULE_HOUR, dto.is_active ?? true],
      )) as ConfigRow;
      await recordAudit(m, actor, {
        action: 'loan_tape_config.create',
        resourceType: 'loan_tape_config',
        resourceId: row.id,
        changes: changedFields(null, pick(row)),
      });
      // Inside the transaction: when Redis refuses the schedule, the config is not created either.
      if (row.schedule !== 'none' && row.is_active) await this.schedules.apply(m, actor.org, row);
      return configView(row);
    });
  }

  update(actor: Actor, id: string, dto: UpdateTapeConfigDto, ifMatch: number | undefined) {
    if (dto.columns) checkColumns(dto.columns);
    return this.db.transaction(actor.org, async (m) => {
      const before = await this.require(m, id, true);
      assertVersion(before.version, ifMatch);
      if (dto.portfolio_id) await this.checkPortfolio(m, dto.portfolio_id);
      const next = { ...pick(before) } as Record<string, unknown>;
      for (const k of MUTABLE) if (dto[k] !== undefined) next[k] = dto[k];
      const changes = changedFields(pick(before), next);
      if (!Object.keys(changes).length) return configView(before);
      const row = (await m.one<ConfigRow>(`UPDATE loan_tape_configs SET name = $2, portfolio_id = $3, format = $4, columns = $5, schedule = $6,
                schedule_hour = $7, is_active = $8, version = version + 1, updated_at = now()
          WHERE id = $1 RETURNING ${CONFIG_COLUMNS}`,
        [id, next.name, next.portfolio_id, next.format, next.columns, next.schedule, next.schedule_hour, next.is_active],
      )) as ConfigRow;
      await recordAudit(m, actor, { action: 'loan_tape_config.update', resourceType: 'loan_tape_config', resourceId: id, changes });
      if (['schedule', 'schedule_hour', 'is_active'].some((k) => k in changes)) await this.schedules.apply(m, actor.org, row);
      return configView(row);
    });
  }

  async require(m: Sql, id: string, lock = false): Promise<ConfigRow> {
    const row = await m.one<ConfigRow>(`SELECT ${CONFIG_COLUMNS} FROM loan_tape_configs WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    if (!row) throw notFound('Loan tape config', id);
    return row;
  }

  /** RLS hides other organizations' portfolios, so theirs read as missing: 422 naming the field. */
  private async checkPortfolio(m: Sql, portfolioId: string): Promise<void> {
    if (!(await this.portfolios.exists(m, portfolioId))) throw missingReference('portfolio_id', [portfolioId]);
  }
}
