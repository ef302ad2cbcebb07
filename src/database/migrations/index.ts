import { Platform1763700000000 } from './1763700000000-platform';
import { LoansPortfolios1763700000001 } from './1763700000001-loans-portfolios';
import { Snapshots1763700000002 } from './1763700000002-snapshots';
import { Investors1763700000003 } from './1763700000003-investors';
import { LoanTapes1763700000004 } from './1763700000004-loan-tapes';
import { Savings1763700000005 } from './1763700000005-savings';
import { LoanListIndex1763700000006 } from './1763700000006-loan-list-index';
import { JobRequests1763700000020 } from './1763700000020-job-requests';

/** Every migration, in order. Each module owns its file. */
export const MIGRATIONS = [
  Platform1763700000000,
  LoansPortfolios1763700000001,
  Snapshots1763700000002,
  Investors1763700000003,
  LoanTapes1763700000004,
  Savings1763700000005,
  LoanListIndex1763700000006,
  JobRequests1763700000020,
];
