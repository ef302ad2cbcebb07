import { badRequest } from './common.errors';
import { MAX_PROBLEM_ERRORS, toProblem } from './problem';

describe('toProblem', () => {
  it('caps the errors list at 100, however many the input had', () => {
    const errors = Array.from({ length: 250 }, (_, i) => ({ field: `f${i}`, message: 'bad' }));
    const p = toProblem(badRequest('many', errors));
    // 250 errors in, the first 100 out.
    expect(p.body.errors).toHaveLength(MAX_PROBLEM_ERRORS);
    expect(p.body.errors[99]).toEqual({ field: 'f99', message: 'bad' });
  });

  it('answers a query stopped by statement_timeout (57014) with 503 and Retry-After, never 500', () => {
    const p = toProblem(Object.assign(new Error('canceling statement due to statement timeout'), { driverError: { code: '57014' } }));
    expect([p.status, p.body.type, p.headers['Retry-After']]).toEqual([503, expect.stringContaining('query-timeout'), '5']);
  });

  it('answers a pool that had no free connection in time with 503', () => {
    const p = toProblem(new Error('timeout exceeded when trying to connect'));
    expect([p.status, p.body.type, p.headers['Retry-After']]).toEqual([503, expect.stringContaining('database-busy'), '1']);
  });
});
