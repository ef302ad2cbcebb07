// Read model: reads loans and loan_snapshots (owned by loans and snapshots) and writes only the analytics tables it owns.
import { type GroupedInsert, groupedInsertSql, parallelGroupedInsertSql } from '../../database/grouped-insert';
import { bucketSql, inDefaultSql } from '../loans/loan-states';
import { MONTH_INDEX } from './analytics-sql';
import { scheduledPrincipalSql } from './scheduled-principal-sql';

/**
 * The stored form of §11 (issue 17.3): each loan's month-end observation with its month
 * figures (`loan_month_ends`), and additive sums of them per (portfolio, cohort month, month)
 * and per (portfolio, month, from state, to state). Reads divide the sums; every Σ here is
 * exact on numeric, so a quotient equals the one computed from the loan rows.
 *
 * `analytics_loans` is the portfolio, origination month and original principal each loan's
 * rows are summed under, and its first month-end in default: the sums always equal
 * Σ loan_month_ends grouped by these keys, so a membership change is a delta (subtract
 * under the old keys, add under the new), never a recount of the portfolio.
 *
 * Every statement takes $1 = the organization.
 */

/** The month-end observation columns, in loan_snapshots' names where they differ. */
const OBS = ['snapshot_date', 'original_principal', 'balance', 'interest_rate', 'term_months', 'days_past_due', 'status', 'charged_off_amount', 'recovered_amount'];
const FROM_SNAPSHOT: Record<string, string> = { balance: 'principal_balance' };
const obsFrom = (a: string) => OBS.map((c) => (FROM_SNAPSHOT[c] ? `${a}.${FROM_SNAPSHOT[c]} AS ${c}` : `${a}.${c}`)).join(', ');

/** §11 transition state of a row aliased `a` (paid_off, else default, else its bucket). */
export const stateSql = (a: string) =>
  `CASE WHEN ${a}.status = 'paid_off' THEN 'paid_off' WHEN ${inDefaultSql(a)} THEN 'default' ELSE ${bucketSql(`${a}.days_past_due`)} END`;

/** Active at the start of M: observed at M−1 (`p`) with a balance, not in default, not paid off. */
const activeSql = (p: string) => `(${p}.loan_id IS NOT NULL AND ${p}.balance > 0 AND NOT ${inDefaultSql(p)} AND ${p}.status <> 'paid_off')`;

/**
 * The figures of row `x` from its M−1 row `p` and its keys `k` (the origination month gives
 * months on book). S (a numeric power) is worked out only where `needed` holds.
 */
function derivedSelect(x: string, p: string, k: string, needed = 'true'): string {
  const s = scheduledPrincipalSql(`${p}.balance`, `${p}.interest_rate`, `greatest(${p}.term_months - (${p}.mi - ${k}.cohort_month), 0)`);
  const active = activeSql(p);
  const inDefault = inDefaultSql(x);
  return `${p}.balance AS b0, CASE WHEN ${p}.loan_id IS NOT NULL THEN ${stateSql(p)} END AS from_state, ${active} AS active,
    CASE WHEN ${needed} AND ${active} THEN ${s} END AS s, ${inDefault} AS in_default`;
}

const uFrom = (d: string, balance: string) => `CASE WHEN ${d}.active AND NOT ${d}.in_default THEN greatest(${d}.b0 - ${d}.s - ${balance}, 0) END`;

/** Recomputes the M−1-based figures of every row marked `needs_derive`. */
export const DERIVE_SQL = `
  UPDATE loan_month_ends e
     SET b0 = d.b0, from_state = d.from_state, active = d.active, s = d.s, newly = d.active AND d.in_default,
         u = ${uFrom('d', 'e.balance')}, needs_derive = false
    FROM (SELECT x.loan_id, x.mi, ${derivedSelect('x', 'p', 'k')}
            FROM loan_month_ends x
            JOIN analytics_loans k ON k.organization_id = x.organization_id AND k.loan_id = x.loan_id
            LEFT JOIN loan_month_ends p ON p.organization_id = x.organization_id AND p.loan_id = x.loan_id AND p.mi = x.mi - 1
           WHERE x.organization_id = $1 AND x.needs_derive) d
   WHERE e.organization_id = $1 AND e.loan_id = d.loan_id AND e.mi = d.mi`;

/** Every loan's keys, from the loans as they are now. */
const CURRENT_KEYS = `SELECT id AS loan_id, portfolio_id, ${MONTH_INDEX('origination_date')} AS cohort_month, original_principal AS loan_principal
  FROM loans WHERE organization_id = $1`;

/** What the figures read of the M−1 row (see derivedSelect), carried to each month-end by lag. */
const PREV = ['loan_id', 'mi', 'balance', 'interest_rate', 'term_months', 'days_past_due', 'status'];

/**
 * A whole organization from its loan snapshots: keys, then each loan's last snapshot of every
 * calendar month with its figures (the M−1 row from the same observations), first defaults, sums.
 */
export const BUILD_SQL = [
  `DELETE FROM loan_month_ends WHERE organization_id = $1`,
  `DELETE FROM analytics_loans WHERE organization_id = $1`,
  `DELETE FROM portfolio_month_sums WHERE organization_id = $1`,
  `DELETE FROM portfolio_transition_sums WHERE organization_id = $1`,
  `INSERT INTO analytics_loans (loan_id, portfolio_id, cohort_month, loan_principal) ${CURRENT_KEYS}`,
  // Snapshots are versions (snapshot-sql.ts): a loan's last present row of a month is its state on
  // the last observed date it was present; the month-end is dated by that row. One sort puts the
  // month-ends in (loan, month) order: the M−1 row is the previous one when its month is M−1. The
  // rows reach the insert in that order, not the month-first key's: a second sort of the wide rows
  // would cost about what in-order index inserts save (13.0 against 11.0 s for 2.7 M rows; README).
  `INSERT INTO loan_month_ends (loan_id, mi, ${OBS.join(', ')}, b0, from_state, active, s, newly, u, needs_derive)
   SELECT d.loan_id, d.mi, ${OBS.map((c) => `d.${c}`).join(', ')}, d.b0, d.from_state, d.active, d.s, d.active AND d.in_default, ${uFrom('d', 'd.balance')}, false
     FROM (SELECT x.*, ${derivedSelect('x', 'p', 'k')}
             FROM (SELECT o.*, ${PREV.map((c) => `CASE WHEN lag(o.mi) OVER w = o.mi - 1 THEN lag(o.${c}) OVER w END AS prev_${c}`).join(', ')}
                     FROM (SELECT DISTINCT ON (s.loan_id, ${MONTH_INDEX('s.snapshot_date')}) s.loan_id, ${MONTH_INDEX('s.snapshot_date')} AS mi, ${obsFrom('s')}
                             FROM loan_snapshots s WHERE s.organization_id = $1 AND s.status IS NOT NULL
                            ORDER BY s.loan_id, ${MONTH_INDEX('s.snapshot_date')}, s.snapshot_date DESC) o
                   WINDOW w AS (PARTITION BY o.loan_id ORDER BY o.mi)) x
             CROSS JOIN LATERAL (SELECT ${PREV.map((c) => `x.prev_${c} AS ${c}`).join(', ')}) p
             JOIN analytics_loans k ON k.organization_id = $1 AND k.loan_id = x.loan_id
            ORDER BY x.loan_id, x.mi OFFSET 0) d`,
];

/**
 * The first month-end in default at or after origination, of loans with none yet (of those
 * `scope` selects, a relation of loan_id, when given, their rows in `rowsOf`): set, no sums touched.
 */
export const firstDefaultsSql = (scope?: string, rowsOf = 'loan_month_ends') => `
  UPDATE analytics_loans k SET first_default_mi = f.mi
    FROM (SELECT e.loan_id, min(e.mi) AS mi FROM ${rowsOf} e
            JOIN analytics_loans k2 ON k2.organization_id = e.organization_id AND k2.loan_id = e.loan_id
           WHERE e.organization_id = $1 AND ${inDefaultSql('e')} AND e.mi >= k2.cohort_month AND k2.first_default_mi IS NULL
             ${scope ? `AND e.loan_id IN (${scope})` : ''}
           GROUP BY e.loan_id) f
   WHERE k.organization_id = $1 AND k.loan_id = f.loan_id`;

/** The sums columns: the value each row of loan_month_ends `e` under keys `k` adds, and the rows it counts for. */
const SUMS: [string, string, string?][] = [
  ['n', '1'],
  ['balance', 'e.balance'],
  ['original_principal', 'e.original_principal'],
  ['rate_balance', 'e.interest_rate * e.balance'],
  ['remaining_balance', 'greatest(e.term_months - (e.mi - k.cohort_month), 0) * e.balance'],
  ['dpd30', 'e.balance', 'e.days_past_due >= 30'],
  ['dpd60', 'e.balance', 'e.days_past_due >= 60'],
  ['dpd90', 'e.balance', 'e.days_past_due >= 90'],
  ['charged_off', 'e.charged_off_amount'],
  ['recovered', 'e.recovered_amount'],
  ['unscheduled', 'e.u'],
  ['expected', 'e.b0 - e.s', 'e.u IS NOT NULL'],
  ['defaulted', 'e.b0', 'e.newly'],
  ['active_b0', 'e.b0', 'e.active'],
  ['first_default_principal', 'k.loan_principal', 'k.first_default_mi = e.mi'],
];
const SUM_COLUMNS = SUMS.map(([c]) => c);
const TRANSITION_COLUMNS = ['n', 'balance'];

/** A row's sign: 1 or −1 for every row, or the rows' own `sign` column (new rows in, old rows out in one pass). */
type Sign = 1 | -1 | 'e.sign';

/** Σ sign × value over the rows `filter` keeps (0 for none; a count when value is 1). */
function signedSum(sign: Sign, value: string, filter?: string, cast = ''): string {
  const term = sign === 1 ? value : `${sign === -1 ? '-1' : sign} * (${value})`;
  return `coalesce(sum(${term})${filter ? ` FILTER (WHERE ${filter})` : ''}, 0)${cast}`;
}

const addOnConflict = (table: string, key: string, columns: string[]) =>
  `ON CONFLICT (organization_id, ${key}) DO UPDATE SET ${columns.map((c) => `${c} = ${table}.${c} + EXCLUDED.${c}`).join(', ')}`;
const MONTH_KEY = 'portfolio_id, cohort_month, mi';
const CELL_KEY = 'portfolio_id, mi, from_state, to_state';

/**
 * Adds (sign 1), subtracts (−1) or applies each row's own sign ('e.sign') for the contributions
 * of the rows `where` selects, grouped under the keys relation `keys` (columns loan_id,
 * portfolio_id, cohort_month, loan_principal, first_default_mi): month sums, then transition cells.
 */
function contributions(keys: string, where: string, sign: Sign, rowsOf = 'loan_month_ends'): GroupedInsert[] {
  const from = `FROM ${rowsOf} e JOIN ${keys} k ON k.loan_id = e.loan_id
    WHERE e.organization_id = $1 AND k.portfolio_id IS NOT NULL AND ${where}`;
  return [
    {
      into: 'portfolio_month_sums',
      columns: [...MONTH_KEY.split(', '), ...SUM_COLUMNS],
      select: `SELECT k.portfolio_id, k.cohort_month, e.mi, ${SUMS.map(([c, v, f]) => signedSum(sign, v, f, c === 'n' ? '::int' : '')).join(', ')} ${from}
      GROUP BY k.portfolio_id, k.cohort_month, e.mi`,
      onConflict: addOnConflict('portfolio_month_sums', MONTH_KEY, SUM_COLUMNS),
    },
    {
      into: 'portfolio_transition_sums',
      columns: [...CELL_KEY.split(', '), ...TRANSITION_COLUMNS],
      select: `SELECT k.portfolio_id, e.mi, e.from_state, ${stateSql('e')}, ${signedSum(sign, '1', undefined, '::int')}, ${signedSum(sign, 'e.b0')} ${from} AND e.from_state IS NOT NULL
      GROUP BY 1, 2, 3, 4`,
      onConflict: addOnConflict('portfolio_transition_sums', CELL_KEY, TRANSITION_COLUMNS),
    },
  ];
}

/** The two statements of `contributions`, each one INSERT … SELECT (the deltas of a few loans). */
export const applyContributions = (keys: string, where: string, sign: Sign, rowsOf?: string): string[] =>
  contributions(keys, where, sign, rowsOf).map(groupedInsertSql);

/** The organization's keys as stored (aliased for applyContributions: organization filtered). */
const STORED_KEYS = `(SELECT * FROM analytics_loans WHERE organization_id = $1)`;

/** Every row that `where` selects counted into the sums, over both cores (millions of rows). */
const countAll = (where: string) => contributions(STORED_KEYS, where, 1).flatMap(parallelGroupedInsertSql);

/** Sums of the months $2 (int[]) recounted from their rows. */
export const RECOUNT_MONTHS_SQL = [
  `DELETE FROM portfolio_month_sums WHERE organization_id = $1 AND mi = ANY($2::int[])`,
  `DELETE FROM portfolio_transition_sums WHERE organization_id = $1 AND mi = ANY($2::int[])`,
  ...countAll('e.mi = ANY($2::int[])'),
];

/** Every month's sums counted from the rows (BUILD; the sums are empty). */
export const COUNT_ALL_SQL = countAll('true');

/** Groups whose loans all left (a delta took them to zero). */
export const DROP_EMPTY_SQL = [
  `DELETE FROM portfolio_month_sums WHERE organization_id = $1 AND n = 0`,
  `DELETE FROM portfolio_transition_sums WHERE organization_id = $1 AND n = 0`,
];

/**
 * Loans whose keys differ from the loan as it is now (moved, re-originated, principal
 * corrected) or that have none yet, of those `scope` selects (a relation of loan_id) when given:
 * into a temporary table `analytics_moved`, old keys beside new.
 */
export const movedSql = (scope?: string) => [
  `CREATE TEMP TABLE analytics_moved ON COMMIT DROP AS
   SELECT c.loan_id, c.portfolio_id, c.cohort_month, c.loan_principal,
          CASE WHEN k.cohort_month = c.cohort_month THEN k.first_default_mi END AS first_default_mi,
          k.loan_id IS NULL AS fresh, k.cohort_month IS DISTINCT FROM c.cohort_month AS reoriginated,
          k.portfolio_id AS old_portfolio_id, k.cohort_month AS old_cohort_month, k.loan_principal AS old_loan_principal,
          k.first_default_mi AS old_first_default_mi
     FROM (${CURRENT_KEYS}${scope ? ` AND id IN (${scope})` : ''}) c
     LEFT JOIN analytics_loans k ON k.organization_id = $1 AND k.loan_id = c.loan_id
    WHERE k.loan_id IS NULL OR (k.portfolio_id, k.cohort_month, k.loan_principal) IS DISTINCT FROM (c.portfolio_id, c.cohort_month, c.loan_principal)`,
];

/**
 * The month-ends of the loans of analytics_moved that `filter` keeps (on `m`), into the temporary
 * table analytics_moved_rows. The table's one index is month first, as the run and the build
 * write it (a second, loan-first one cost every new month's million rows a random insert each):
 * a loan's rows are found by one probe per month of the organization's range.
 */
const movedRowsSql = (filter: string) => `INSERT INTO analytics_moved_rows
  SELECT e.* FROM analytics_moved m
    JOIN loan_month_ends e ON e.organization_id = $1 AND e.loan_id = m.loan_id
     AND e.mi = ANY (ARRAY(SELECT generate_series(min(mi), max(mi)) FROM loan_month_ends WHERE organization_id = $1))
   WHERE ${filter}`;

/**
 * Moves the sums of the loans in analytics_moved from their old keys to their new ones, their
 * rows read once (a re-originated loan's again, after its figures are derived anew).
 */
export const APPLY_MOVED_SQL = [
  `CREATE TEMP TABLE analytics_moved_rows ON COMMIT DROP AS SELECT * FROM loan_month_ends WHERE false`,
  movedRowsSql('true'),
  ...applyContributions(
    `(SELECT loan_id, old_portfolio_id AS portfolio_id, old_cohort_month AS cohort_month, old_loan_principal AS loan_principal,
             old_first_default_mi AS first_default_mi FROM analytics_moved WHERE NOT fresh)`,
    'true',
    -1,
    'analytics_moved_rows',
  ),
  `INSERT INTO analytics_loans (loan_id, portfolio_id, cohort_month, loan_principal, first_default_mi)
   SELECT loan_id, portfolio_id, cohort_month, loan_principal, first_default_mi FROM analytics_moved
   ON CONFLICT (organization_id, loan_id) DO UPDATE SET portfolio_id = EXCLUDED.portfolio_id, cohort_month = EXCLUDED.cohort_month,
     loan_principal = EXCLUDED.loan_principal, first_default_mi = EXCLUDED.first_default_mi`,
  // A new origination month moves months on book: the rows' figures and the first default follow.
  `UPDATE loan_month_ends e SET needs_derive = true FROM analytics_moved_rows r JOIN analytics_moved m ON m.loan_id = r.loan_id
    WHERE e.organization_id = $1 AND e.mi = r.mi AND e.loan_id = r.loan_id AND m.reoriginated AND NOT m.fresh`,
  DERIVE_SQL,
  // Deriving leaves whether a row is in default as it was: the rows read before tell.
  firstDefaultsSql(`SELECT loan_id FROM analytics_moved WHERE reoriginated`, 'analytics_moved_rows'),
  `DELETE FROM analytics_moved_rows r USING analytics_moved m WHERE m.loan_id = r.loan_id AND m.reoriginated AND NOT m.fresh`,
  movedRowsSql('m.reoriginated AND NOT m.fresh'),
  ...applyContributions(`(SELECT m.loan_id, k.portfolio_id, k.cohort_month, k.loan_principal, k.first_default_mi
                            FROM analytics_moved m JOIN analytics_loans k ON k.organization_id = $1 AND k.loan_id = m.loan_id)`, 'true', 1,
  'analytics_moved_rows'),
  `DROP TABLE analytics_moved_rows`,
];

/** Observation columns set from EXCLUDED on an upsert. */
const SET_OBS = OBS.map((c) => `${c} = EXCLUDED.${c}`).join(', ');

/** The keys a changed row is summed under, carried in analytics_changed so no statement looks them up again. */
const CHANGED_KEYS = 'k.portfolio_id, k.cohort_month, k.loan_principal, k.first_default_mi';

/**
 * The daily run's month ($2 the run date, $3 its month index): today's snapshot is every loan's
 * month-end. The loans whose month-end is new or differs from the stored one, into the
 * temporary table analytics_changed (observation columns, named as in loan_month_ends, and the
 * loan's keys).
 */
export const RUN_CHANGED_SQL = `
  CREATE TEMP TABLE analytics_changed ON COMMIT DROP AS
  SELECT x.*, ${CHANGED_KEYS} FROM (SELECT s.loan_id, $3::int AS mi, ${obsFrom('s')} FROM loan_snapshots s
                    WHERE s.organization_id = $1 AND s.snapshot_date = $2::date) x
    JOIN analytics_loans k ON k.organization_id = $1 AND k.loan_id = x.loan_id
    LEFT JOIN loan_month_ends cur ON cur.organization_id = $1 AND cur.mi = x.mi AND cur.loan_id = x.loan_id
   WHERE cur.loan_id IS NULL OR (${OBS.map((c) => `cur.${c}`).join(', ')}) IS DISTINCT FROM (${OBS.map((c) => `x.${c}`).join(', ')})`;

/**
 * A deferred run's changes ($1 organization, $2 the date, $3 its month index), into
 * analytics_changed: the date is not its month's first, so its rows are the loans whose state
 * moved that day, as the run wrote them, and each is a changed month-end. Their keys come in the
 * same pass; a loan new to the month-ends has none yet (null cohort_month) until KEYS_OF_NEW_SQL.
 */
export const DEFERRED_DAY_SQL = `
  CREATE TEMP TABLE analytics_changed ON COMMIT DROP AS
  SELECT s.loan_id, $3::int AS mi, ${obsFrom('s')}, ${CHANGED_KEYS}
    FROM loan_snapshots s LEFT JOIN analytics_loans k ON k.organization_id = $1 AND k.loan_id = s.loan_id
   WHERE s.organization_id = $1 AND s.snapshot_date = $2::date`;

/** The loans of DEFERRED_DAY_SQL that had no keys: theirs once synced, and a loan still without any dropped. */
export const KEYS_OF_NEW_SQL = [
  `UPDATE analytics_changed c SET portfolio_id = k.portfolio_id, cohort_month = k.cohort_month, loan_principal = k.loan_principal, first_default_mi = k.first_default_mi
     FROM analytics_loans k WHERE c.cohort_month IS NULL AND k.organization_id = $1 AND k.loan_id = c.loan_id`,
  `DELETE FROM analytics_changed WHERE cohort_month IS NULL`,
];

/**
 * The rows of analytics_changed written and the sums moved, in one statement: each changed
 * loan's stored row is read once (`old`) and updated in place (`kept`: M−1 has not moved, so
 * its M−1 figures stay and only U and "newly defaulted" follow the new balance and status); a
 * loan with no row for M yet gets one with its figures from the M−1 row (`fresh`, the only rows
 * that read M−1). The sums then take the new rows in and the old ones out. Every row is found by
 * its full key: month M was written in this transaction, so the planner must never be left to
 * range-scan it per loan. `bulk` (many changes, or a keyframe, where on a month's first run every
 * loan is new to M): M−1 is read in one pass and hashed; otherwise each new loan's M−1 row is
 * probed by its key, and a day with none reads no M−1 at all. $1 the organization, $2 M (every
 * row of analytics_changed is of M).
 */
export function runApplySql(bulk: boolean): string {
  const [monthSums, cellSums] = applyContributions('analytics_changed', 'true', 'e.sign', 'moved_rows');
  // $2 is M, every row's month: as a constant, each read of loan_month_ends is one month's key range, not the organization's years.
  const m1 = 'p.organization_id = $1 AND p.mi = $2::int - 1 AND p.loan_id = x.loan_id';
  const m1Join = bulk ? `LEFT JOIN loan_month_ends p ON ${m1}` : `LEFT JOIN LATERAL (SELECT p.* FROM loan_month_ends p WHERE ${m1}) p ON true`;
  return `
  WITH old AS MATERIALIZED (
    SELECT e.* FROM analytics_changed c JOIN loan_month_ends e ON e.organization_id = $1 AND e.mi = $2::int AND e.loan_id = c.loan_id
  ), kept AS (
    UPDATE loan_month_ends e SET ${OBS.map((c) => `${c} = x.${c}`).join(', ')},
      newly = e.active AND ${inDefaultSql('x')},
      u = CASE WHEN e.active AND NOT ${inDefaultSql('x')} THEN greatest(e.b0 - e.s - x.balance, 0) END
      FROM old o JOIN analytics_changed x ON x.loan_id = o.loan_id
     WHERE e.organization_id = $1 AND e.mi = $2::int AND e.loan_id = o.loan_id
    RETURNING e.*
  ), fresh AS (
    INSERT INTO loan_month_ends (loan_id, mi, ${OBS.join(', ')}, b0, from_state, active, s, newly, u, needs_derive)
    SELECT d.loan_id, d.mi, ${OBS.map((c) => `d.${c}`).join(', ')}, d.b0, d.from_state, d.active, d.s, d.active AND d.in_default,
           ${uFrom('d', 'd.balance')}, false
      FROM (SELECT x.*, ${derivedSelect('x', 'p', 'x')}
              -- The loans new to M first (OFFSET 0: planned on their own), then their M−1 rows: on
              -- most days there are none, and a probe per new loan reads no M−1 at all.
              FROM (SELECT x.* FROM analytics_changed x WHERE NOT EXISTS (SELECT 1 FROM old o WHERE o.loan_id = x.loan_id) OFFSET 0) x
              ${m1Join}) d
     -- One month's rows in loan order are in key order: the key takes them in sequence, not at random pages.
     ORDER BY d.loan_id
    RETURNING *
  ), moved_rows AS MATERIALIZED (
    SELECT 1 AS sign, k.* FROM kept k UNION ALL SELECT 1, f.* FROM fresh f UNION ALL SELECT -1, o.* FROM old o
  ), month_sums AS (
    ${monthSums}
  )
  ${cellSums}`;
}

/**
 * The month-ends of the (loan, month) pairs in the temporary table analytics_pairs (loan_id,
 * mi) re-read from loan_snapshots, and those rows and the next month's marked for deriving.
 */
export const PAIRS_SQL = [
  `INSERT INTO loan_month_ends AS e (loan_id, mi, ${OBS.join(', ')}, needs_derive)
   SELECT DISTINCT ON (s.loan_id, p.mi) s.loan_id, p.mi, ${obsFrom('s')}, true
     FROM analytics_pairs p
     JOIN loan_snapshots s ON s.organization_id = $1 AND s.loan_id = p.loan_id AND s.status IS NOT NULL
      AND s.snapshot_date >= make_date(p.mi / 12, p.mi % 12 + 1, 1) AND s.snapshot_date < (make_date(p.mi / 12, p.mi % 12 + 1, 1) + interval '1 month')
    ORDER BY s.loan_id, p.mi, s.snapshot_date DESC
   ON CONFLICT (organization_id, loan_id, mi) DO UPDATE SET ${SET_OBS}, needs_derive = true`,
  `UPDATE loan_month_ends e SET needs_derive = true FROM analytics_pairs p
    WHERE e.organization_id = $1 AND e.loan_id = p.loan_id AND e.mi = p.mi + 1 AND NOT e.needs_derive`,
];

/**
 * First defaults of the loans `scope` selects (a relation of loan_id) that may have changed
 * from month $2 on: a loan whose first default is earlier keeps it; the others take their
 * earliest month-end in default from $2 on (or none). The change moves the loan's original
 * principal between the months' first_default_principal sums.
 */
export const firstDefaultsFromSql = (scope: string) => `
  WITH cand AS MATERIALIZED (
    SELECT k.loan_id, k.first_default_mi AS old, k.cohort_month
      FROM analytics_loans k
     WHERE k.organization_id = $1 AND k.loan_id IN (${scope}) AND (k.first_default_mi IS NULL OR k.first_default_mi >= $2::int)
  ), found AS (
    -- Each (month, loan) probed exactly: a range over a month written in this transaction looks
    -- empty to the planner, and scanning it once per candidate would be quadratic.
    SELECT e.loan_id, min(e.mi) AS mi
      FROM cand c
      CROSS JOIN generate_series(greatest($2::int, c.cohort_month), ${MONTH_INDEX(`(now() AT TIME ZONE 'UTC')::date`)}) g(mi)
      JOIN loan_month_ends e ON e.organization_id = $1 AND e.mi = g.mi AND e.loan_id = c.loan_id
     WHERE ${inDefaultSql('e')}
     GROUP BY e.loan_id
  ), cand_new AS (
    SELECT c.loan_id, c.old, f.mi AS new FROM cand c LEFT JOIN found f USING (loan_id)
  ), moved AS (
    UPDATE analytics_loans k SET first_default_mi = c.new FROM cand_new c
     WHERE k.organization_id = $1 AND k.loan_id = c.loan_id AND c.old IS DISTINCT FROM c.new
    RETURNING k.portfolio_id, k.cohort_month, k.loan_principal, c.old, c.new
  )
  INSERT INTO portfolio_month_sums (${MONTH_KEY}, ${SUM_COLUMNS.join(', ')})
  SELECT portfolio_id, cohort_month, mi, 0, ${SUM_COLUMNS.slice(1, -1).map(() => '0').join(', ')}, sum(delta)
    FROM (SELECT portfolio_id, cohort_month, old AS mi, -loan_principal AS delta FROM moved WHERE old IS NOT NULL
          UNION ALL SELECT portfolio_id, cohort_month, new, loan_principal FROM moved WHERE new IS NOT NULL) d
   WHERE portfolio_id IS NOT NULL
   GROUP BY portfolio_id, cohort_month, mi
  ${addOnConflict('portfolio_month_sums', MONTH_KEY, ['first_default_principal'])}`;
