import { DomainError } from '../errors/domain-error';
import { IdOf } from './id-param';

describe('IdOf', () => {
  it('passes a uuid through in the one spelling services compare (lower case)', () => {
    expect(IdOf('Portfolio').transform('6F9619FF-8B86-D011-B42D-00C04FC964FF')).toBe('6f9619ff-8b86-d011-b42d-00c04fc964ff');
    expect(IdOf('Portfolio').transform('6f9619ff-8b86-d011-b42d-00c04fc964ff')).toBe('6f9619ff-8b86-d011-b42d-00c04fc964ff');
  });

  it('answers a malformed id with the 404 a missing one gets', () => {
    const refused = (() => {
      try {
        IdOf('Portfolio').transform('not-a-uuid');
      } catch (e) {
        return e as DomainError;
      }
    })();
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ status: 404, detail: 'Portfolio not-a-uuid was not found' });
  });

  it('takes another shape of id when told', () => {
    const product = IdOf('Product', (v) => /^\d+$/.test(v));
    expect(product.transform('1042')).toBe('1042');
    expect(() => product.transform('1042x')).toThrow(expect.objectContaining({ status: 404 }));
  });
});
