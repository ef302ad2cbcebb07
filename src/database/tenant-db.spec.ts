import { scopedBegin } from './tenant-db';

describe('scopedBegin', () => {
  it('opens the transaction and names the organization in one statement list', () => {
    expect(scopedBegin('3f1c2a4e-8b7d-4c6a-9e5f-1a2b3c4d5e6f')).toBe(
      "BEGIN; SELECT set_config('app.org_id', '3f1c2a4e-8b7d-4c6a-9e5f-1a2b3c4d5e6f', true)",
    );
  });

  it('refuses anything but a UUID, so nothing can be spliced into the statement', () => {
    expect(() => scopedBegin("x'); DROP TABLE loans; --")).toThrow('must be a UUID');
    expect(() => scopedBegin('')).toThrow('must be a UUID');
  });
});
