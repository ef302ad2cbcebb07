import { scopedBegin } from './tenant-db';

describe('scopedBegin', () => {
  it('opens the transaction and names the organization in one statement list', () => {
    expect(scopedBegin('3f1c2a4e-8b7d-4c6a-9e5f-1a2b3c4d5e6f')).toBe(
      "BEGIN; SELECT set_config('app.org_id', '3f1c2a4e-8b7d-4c6a-9e5f-1a2b3c4d5e6f', true)",
    );
  });

  it('sets the transaction-local time limits in the same SELECT, so batch result positions stay put', () => {
    expect(scopedBegin('3f1c2a4e-8b7d-4c6a-9e5f-1a2b3c4d5e6f', { statementMs: 30000, idleInTransactionMs: 0 })).toBe(
      "BEGIN; SELECT set_config('app.org_id', '3f1c2a4e-8b7d-4c6a-9e5f-1a2b3c4d5e6f', true)" +
        ", set_config('statement_timeout', '30000', true), set_config('idle_in_transaction_session_timeout', '0', true)",
    );
    expect(() => scopedBegin('3f1c2a4e-8b7d-4c6a-9e5f-1a2b3c4d5e6f', { statementMs: 1.5, idleInTransactionMs: 0 })).toThrow('whole number');
  });

  it('refuses anything but a UUID, so nothing can be spliced into the statement', () => {
    expect(() => scopedBegin("x'); DROP TABLE loans; --")).toThrow('must be a UUID');
    expect(() => scopedBegin('')).toThrow('must be a UUID');
  });
});
