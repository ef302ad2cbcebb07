import { Platform1763700000000 } from './1763700000000-platform';
import { LoansPortfolios1763700000001 } from './1763700000001-loans-portfolios';
import { Snapshots1763700000002 } from './1763700000002-snapshots';
import { Investors1763700000003 } from './1763700000003-investors';
import { LoanTapes1763700000004 } from './1763700000004-loan-tapes';
import { Savings1763700000005 } from './1763700000005-savings';
import { LoanListIndex1763700000006 } from './1763700000006-loan-list-index';
import { IdempotencyCaller1763700000010 } from './1763700000010-idempotency-caller';
import { JobRequests1763700000020 } from './1763700000020-job-requests';
import { SavingsCloseRevert1763700000030 } from './1763700000030-savings-close-revert';
import { ApiKeyTokens1763700000031 } from './1763700000031-api-key-tokens';
import { SavingsPortfolioCounts1763700000032 } from './1763700000032-savings-portfolio-counts';
import { LossAmounts1763700000040 } from './1763700000040-loss-amounts';
import { LoanSnapshotDates1763700000041 } from './1763700000041-loan-snapshot-dates';
import { LeastPrivilege1763700001310 } from './1763700001310-least-privilege';
import { ShortAccountMasks1764600000013 } from './1764600000013-short-account-masks';
import { MonthEndAggregates1764600000030 } from './1764600000030-month-end-aggregates';
import { SnapshotVersions1764600000050 } from './1764600000050-snapshot-versions';
import { SnapshotPending1764600000060 } from './1764600000060-snapshot-pending';
import { MonthEndPending1764600000070 } from './1764600000070-month-end-pending';
import { PendingState1764600000080 } from './1764600000080-pending-state';
import { PortfolioEntries1764600000090 } from './1764600000090-portfolio-entries';
import { MonthEndsOneIndex1764600000100 } from './1764600000100-month-ends-one-index';
import { ParallelSafeOrg1764600000110 } from './1764600000110-parallel-safe-org';

/** Every migration, in order. Each module owns its file. */
export const MIGRATIONS = [
  Platform1763700000000,
  LoansPortfolios1763700000001,
  Snapshots1763700000002,
  Investors1763700000003,
  LoanTapes1763700000004,
  Savings1763700000005,
  LoanListIndex1763700000006,
  IdempotencyCaller1763700000010,
  JobRequests1763700000020,
  SavingsCloseRevert1763700000030,
  ApiKeyTokens1763700000031,
  SavingsPortfolioCounts1763700000032,
  LossAmounts1763700000040,
  LoanSnapshotDates1763700000041,
  LeastPrivilege1763700001310,
  ShortAccountMasks1764600000013,
  MonthEndAggregates1764600000030,
  SnapshotVersions1764600000050,
  SnapshotPending1764600000060,
  MonthEndPending1764600000070,
  PendingState1764600000080,
  PortfolioEntries1764600000090,
  MonthEndsOneIndex1764600000100,
  ParallelSafeOrg1764600000110,
];
