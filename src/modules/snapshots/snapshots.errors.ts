import { defineErrors, CodeOf } from '../../common/errors/define-errors';

export const SNAPSHOTS_ERRORS = defineErrors('snapshots', {
  'snapshot-date-not-today': { status: 422, title: 'Unprocessable entity' },
  'future-snapshot-date': { status: 422, title: 'Unprocessable entity' },
  'no-loan-snapshots': { status: 422, title: 'Unprocessable entity' },
});

export type SnapshotsErrorCode = CodeOf<typeof SNAPSHOTS_ERRORS>;

const { error } = SNAPSHOTS_ERRORS;

export const snapshotDateNotToday = (date: string, today: string) =>
  error('snapshot-date-not-today', `A snapshot run records live state, so it can only be dated today (${today}, UTC)`, [
    { field: 'snapshot_date', message: `must be today (${today}); got ${date}` },
  ]);

export const futureSnapshotDate = (date: string, today: string) =>
  error('future-snapshot-date', `snapshot_date ${date} is in the future`, [
    { field: 'snapshot_date', message: `must not be after today (${today}, UTC)` },
  ]);

/** A past date read from loan snapshots that do not exist: a portfolio's snapshot, or a loan tape's `as_of_date`. */
export const noLoanSnapshots = (date: string, of: { portfolioId: string } | 'tape') =>
  of === 'tape'
    ? error('no-loan-snapshots', `No loan snapshots exist for ${date}; a past tape reads that date's snapshots`, [
        { field: 'as_of_date', message: 'no loan snapshots on this date' },
      ])
    : error('no-loan-snapshots', `No loan snapshots exist for portfolio ${of.portfolioId} on ${date}`, [
        { field: 'snapshot_date', message: `no loan snapshots of this portfolio's loans on ${date}` },
      ]);
