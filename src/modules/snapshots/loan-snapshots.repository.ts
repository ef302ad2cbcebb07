import { Injectable } from '@nestjs/common';
import type { Sql } from '../../database/sql';

/** What other modules may ask of `loan_snapshots` (the snapshots module owns it and alone writes it). */
@Injectable()
export class LoanSnapshotsRepository {
  /**
   * Whether the organization has loan snapshots dated `date` (a past tape reads them): whether
   * the date was observed, since a date where nothing changed stores no rows (snapshot-sql.ts).
   */
  async existOn(sql: Sql, org: string, date: string): Promise<boolean> {
    return Boolean(await sql.one(`SELECT 1 FROM loan_snapshot_dates WHERE organization_id = $1 AND snapshot_date = $2 LIMIT 1`, [org, date]));
  }
}
