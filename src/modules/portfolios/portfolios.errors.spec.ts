import { toProblem } from '../../common/errors/problem';
import { portfolioNameTaken, portfolioNotActive } from './portfolios.errors';

const ID = '0b8e5a3c-4f7d-4c1e-9a53-2d6f0e1b7c44';
const body = (e: Error) => toProblem(e).body;

/** portfolio-not-active was built in five places; each answer reads exactly as it did there. */
describe('portfolioNotActive', () => {
  it.each([
    ['archive', `Portfolio ${ID} is sold and cannot be archived`, { field: 'status', message: 'sold' }],
    ['auto-assign', `Cannot auto-assign: portfolio ${ID} is sold`, { field: 'status', message: 'sold' }],
    ['transfer', `Cannot transfer: portfolio ${ID} is sold`, { field: 'status', message: 'source portfolio is sold' }],
    ['transfer-target', `Cannot transfer: target portfolio ${ID} is sold`, { field: 'target_portfolio_id', message: 'target portfolio is sold' }],
    ['assign loans', `Cannot assign loans: portfolio ${ID} is sold`, { field: 'status', message: 'portfolio is sold' }],
    ['sell', `Cannot sell: portfolio ${ID} is sold`, { field: 'status', message: 'portfolio is sold' }],
  ] as const)('%s', (attempted, detail, error) => {
    expect(JSON.stringify(body(portfolioNotActive(ID, 'sold', attempted)))).toBe(
      JSON.stringify({ type: 'https://portfolio-service.dev/problems/portfolio-not-active', title: 'Conflict', status: 409, detail, errors: [error] }),
    );
  });
});

describe('portfolioNameTaken', () => {
  it('names the name on create and rename, and says why on unarchive', () => {
    expect(body(portfolioNameTaken({ name: 'Prime' }))).toMatchObject({
      status: 409,
      detail: 'A portfolio named "Prime" already exists',
      errors: [{ field: 'name', message: 'already used by another portfolio that is not archived' }],
    });
    expect(body(portfolioNameTaken('unarchive'))).toMatchObject({
      detail: 'An active portfolio has taken this name; rename it first',
      errors: [{ field: 'name', message: 'taken by another portfolio that is not archived' }],
    });
  });
});
