import { bearer, newOrg, startApp, TestApp, tokenFor } from '../support/app';

/** Issue #13 item 9: absolute links never follow a Host header the operator did not say to trust. */
describe('absolute links (e2e)', () => {
  const apps: TestApp[] = [];
  const start = async (env: Record<string, string> = {}) => {
    const t = await startApp({ PROCESS_ROLE: 'api', ...env });
    apps.push(t);
    return t;
  };
  afterAll(() => Promise.all(apps.map((t) => t.close())));

  /** Two portfolios, then page 1 of 1-per-page with the given headers: returns `next`. */
  const nextLink = async (t: TestApp, headers: Record<string, string>) => {
    const token = tokenFor(t.config, newOrg());
    for (const name of ['one', 'two']) await t.http().post('/portfolios').set(bearer(token)).send({ name, portfolio_type: 'static' });
    const res = await t.http().get('/portfolios?page_size=1').set(bearer(token)).set(headers);
    expect(res.status).toBe(200);
    return res.body.next as string;
  };
  const SPOOFED = { Host: 'evil.example', 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' };

  it('by default links point at the address the request reached, whatever Host or X-Forwarded-* say', async () => {
    const t = await start();
    expect(await nextLink(t, SPOOFED)).toBe(`${t.url}/portfolios?page_size=1&page=2`);
    expect(await nextLink(t, { Host: 'evil.example:443' })).toBe(`${t.url}/portfolios?page_size=1&page=2`);
  });

  it('uses PUBLIC_BASE_URL, with its path prefix, when set', async () => {
    const t = await start({ PUBLIC_BASE_URL: 'https://api.lender.example/portfolio/' });
    expect(await nextLink(t, SPOOFED)).toBe('https://api.lender.example/portfolio/portfolios?page_size=1&page=2');
  });

  it('follows X-Forwarded-Proto/Host only from a proxy TRUST_PROXY names', async () => {
    const trusted = await start({ TRUST_PROXY: '127.0.0.1' });
    const forwarded = { 'X-Forwarded-Host': 'public.lender.example', 'X-Forwarded-Proto': 'https' };
    expect(await nextLink(trusted, forwarded)).toBe('https://public.lender.example/portfolios?page_size=1&page=2');
    const otherProxy = await start({ TRUST_PROXY: '10.0.0.1' });
    // A connection from elsewhere is no proxy of ours: neither its forwarded headers nor its Host count.
    expect(await nextLink(otherProxy, forwarded)).toBe(`${otherProxy.url}/portfolios?page_size=1&page=2`);
    expect(await nextLink(otherProxy, SPOOFED)).toBe(`${otherProxy.url}/portfolios?page_size=1&page=2`);
    const subnet = await start({ TRUST_PROXY: '10.0.0.0/8,127.0.0.0/8' });
    expect(await nextLink(subnet, forwarded)).toBe('https://public.lender.example/portfolios?page_size=1&page=2');
  });
});
