import { describeTarget, ensureDatabase } from './migrate';

describe('Postgres connection errors', () => {
  it('name the host, port and database but never the password', () => {
    expect(describeTarget('postgres://app:s3cret@db.internal:6543/portfolio')).toBe('db.internal:6543/portfolio');
    expect(describeTarget('postgres://app@localhost/portfolio')).toBe('localhost:5432/portfolio');
  });

  it('a refused connection at boot says where it tried', async () => {
    // Port 1 on loopback: nothing listens there, so the connect is refused at once.
    const err = (await ensureDatabase('postgres://app:s3cret@127.0.0.1:1/portfolio').catch((e: Error) => e)) as Error;
    expect(err.message).toContain('127.0.0.1:1');
    expect(err.message).toContain('DATABASE_URL');
    expect(err.message).not.toContain('s3cret');
  });
});
