import { refusalOf, sealJob } from './job-payloads';
import { canonicalJson, hasValidSignature, jobSigningKey, signPayload } from './job-signature';

const KEY = jobSigningKey('unit-test-jwt-secret-unit-test-jwt-secret');
const OTHER_KEY = jobSigningKey('another-secret-another-secret-another');
const ORG = '7f0c2a8e-1b2c-4d3e-8f90-a1b2c3d4e5f6';
const OTHER_ORG = '0e9d8c7b-6a5f-4e3d-9c2b-1a0f9e8d7c6b';
const PORTFOLIO = '11111111-2222-4333-8444-555555555555';
const TODAY = '2026-12-01';
const tenant = { org: ORG, requestId: 'req-1', actorSubject: 'user-admin' };

describe('job payload signatures', () => {
  it('writes JSON with keys sorted at every level and undefined dropped', () => {
    // Same bytes whatever order the keys were added in; undefined in an array is null, as in JSON.stringify.
    expect(canonicalJson({ b: 1, a: { d: 2, c: [1, undefined] }, z: undefined })).toBe('{"a":{"c":[1,null],"d":2},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });

  it('accepts what the producer sealed, whatever the key order after a trip through Redis', () => {
    const sealed = sealJob(KEY, 'auto-assign', 'auto-assign', { ...tenant, portfolioId: PORTFOLIO });
    const reordered = Object.fromEntries(Object.entries(sealed).reverse());
    expect(hasValidSignature(KEY, 'auto-assign', 'auto-assign', reordered)).toBe(true);
    expect(refusalOf(KEY, 'auto-assign', 'auto-assign', JSON.parse(JSON.stringify(reordered)), TODAY)).toBeNull();
  });

  it('drops undefined fields before signing, as JSON would after', () => {
    const sealed = sealJob(KEY, 'auto-assign', 'auto-assign-dynamic', { org: ORG, requestId: undefined, actorSubject: 'system' });
    expect(Object.keys(sealed).sort()).toEqual(['actorSubject', 'org', 'sig']);
    expect(refusalOf(KEY, 'auto-assign', 'auto-assign-dynamic', sealed, TODAY)).toBeNull();
  });

  it.each([
    ['a forged actor', { actorSubject: 'someone-else' }],
    ['another organization', { org: OTHER_ORG }],
    ['another portfolio', { portfolioId: '99999999-2222-4333-8444-555555555555' }],
    ['a request id added', { requestId: 'req-2' }],
    ['no signature', { sig: undefined }],
    ['an empty signature', { sig: '' }],
    ['a signature of another length', { sig: 'abc' }],
  ])('refuses a sealed payload altered to carry %s', (_what, change) => {
    const sealed = sealJob(KEY, 'auto-assign', 'auto-assign', { ...tenant, portfolioId: PORTFOLIO });
    const altered = JSON.parse(JSON.stringify({ ...sealed, ...change }));
    expect(refusalOf(KEY, 'auto-assign', 'auto-assign', altered, TODAY)).toMatch(/signature/);
  });

  it('binds the signature to the key, the queue and the job name', () => {
    const sealed = sealJob(KEY, 'savings', 'settlement', tenant);
    expect(refusalOf(OTHER_KEY, 'savings', 'settlement', sealed, TODAY)).toMatch(/signature/);
    // The same payload moved to the accrual job, which has the same fields, is not the job that was signed.
    expect(refusalOf(KEY, 'savings', 'accrual', sealed, TODAY)).toMatch(/signature/);
    expect(signPayload(KEY, 'savings', 'settlement', tenant)).not.toBe(signPayload(KEY, 'savings', 'accrual', tenant));
  });
});

describe('job payload shapes', () => {
  const sealedRefusal = (queue: Parameters<typeof sealJob>[1], name: string, data: Record<string, unknown>) =>
    refusalOf(KEY, queue, name, sealJob(KEY, queue, name, data), TODAY);

  it.each([
    ['snapshots', 'snapshot-run!'],
    ['snapshots', '__proto__'],
    ['snapshots', 'constructor'],
    ['snapshots', 'generate-tape'],
    ['nope', 'fan-out'],
  ])('refuses an unknown job %s / %s', (queue, name) => {
    expect(refusalOf(KEY, queue, name, {}, TODAY)).toMatch(/^unknown job/);
  });

  it('runs a fan-out with an empty payload, unsigned (it derives everything from configuration)', () => {
    expect(refusalOf(KEY, 'snapshots', 'fan-out', {}, TODAY)).toBeNull();
    expect(refusalOf(KEY, 'savings', 'fan-out-accrual', {}, TODAY)).toBeNull();
    expect(sealJob(KEY, 'auto-assign', 'fan-out', {})).toEqual({});
  });

  it('refuses a fan-out that carries anything', () => {
    expect(refusalOf(KEY, 'snapshots', 'fan-out', { org: ORG }, TODAY)).toBe('unexpected field "org"');
    expect(refusalOf(KEY, 'savings', 'fan-out-settlement', { sig: 'x' }, TODAY)).toBe('unexpected field "sig"');
  });

  it.each([[null], [[]], ['text'], [42]])('refuses a payload that is not an object: %j', (data) => {
    expect(refusalOf(KEY, 'snapshots', 'snapshot-run', data, TODAY)).toBe('the payload is not an object');
  });

  it('dates a snapshot run today only', () => {
    expect(sealedRefusal('snapshots', 'snapshot-run', { ...tenant, snapshotDate: TODAY })).toBeNull();
    // 2026-11-30 is the day before TODAY (2026-12-01): a run that waited past midnight.
    expect(sealedRefusal('snapshots', 'snapshot-run', { ...tenant, snapshotDate: '2026-11-30' })).toBe(
      'field "snapshotDate" must be today (2026-12-01, UTC); got 2026-11-30',
    );
    expect(sealedRefusal('snapshots', 'snapshot-run', { ...tenant, snapshotDate: '2026-12-02' })).toMatch(/must be today/);
    expect(sealedRefusal('snapshots', 'snapshot-run', { ...tenant, snapshotDate: '2026-02-30' })).toBe(
      'field "snapshotDate" must be a date YYYY-MM-DD',
    );
    expect(sealedRefusal('snapshots', 'snapshot-run', tenant)).toBe('field "snapshotDate" is required');
  });

  it.each(['accrual', 'settlement'])('refuses a %s business date after today, and takes none, today or an earlier one', (name) => {
    expect(sealedRefusal('savings', name, tenant)).toBeNull();
    expect(sealedRefusal('savings', name, { ...tenant, businessDate: TODAY })).toBeNull();
    expect(sealedRefusal('savings', name, { ...tenant, businessDate: '2026-11-30' })).toBeNull();
    // 2026-12-02 is one day after TODAY; string order is date order for YYYY-MM-DD.
    expect(sealedRefusal('savings', name, { ...tenant, businessDate: '2026-12-02' })).toBe(
      'field "businessDate" must not be after today (2026-12-01, UTC); got 2026-12-02',
    );
    expect(sealedRefusal('savings', name, { ...tenant, businessDate: '2027-01-01T00:00:00Z' })).toMatch(/must be a date/);
  });

  it.each([
    ['an extra field', { ...tenant, portfolioId: PORTFOLIO, extra: 1 }, 'unexpected field "extra"'],
    ['a bad portfolio id', { ...tenant, portfolioId: 'not-a-uuid' }, 'field "portfolioId" must be a uuid'],
    ['an array for an id', { ...tenant, portfolioId: [PORTFOLIO] }, 'field "portfolioId" must be a uuid'],
    ['no portfolio id', { ...tenant }, 'field "portfolioId" is required'],
    ['a bad organization', { ...tenant, org: 'acme', portfolioId: PORTFOLIO }, 'field "org" must be a uuid'],
    ['a bad request id', { ...tenant, requestId: 'a b', portfolioId: PORTFOLIO }, 'field "requestId" must be a request id'],
    ['a 201-character subject', { ...tenant, actorSubject: 'x'.repeat(201), portfolioId: PORTFOLIO }, 'field "actorSubject" must be a subject'],
    ['a subject with a newline', { ...tenant, actorSubject: 'evil\nsubject', portfolioId: PORTFOLIO }, 'field "actorSubject" must be a subject'],
  ])('checks every field of a tenant job, even a signed one: %s', (_what, data, reason) => {
    expect(sealedRefusal('auto-assign', 'auto-assign', data)).toBe(reason);
  });

  it('takes a scheduled tape with only the organization and config ids its scheduler template carries', () => {
    expect(sealedRefusal('loan-tapes', 'scheduled-tape', { org: ORG, configId: PORTFOLIO })).toBeNull();
    expect(sealedRefusal('loan-tapes', 'generate-tape', { ...tenant, tapeId: PORTFOLIO })).toBeNull();
  });
});
