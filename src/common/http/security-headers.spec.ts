import Fastify from 'fastify';
import { ConfigError, loadConfig } from '../../config/env';
import { registerSecurityHeaders } from './security-headers';

async function cspWith(upgradeInsecureRequests: boolean): Promise<string> {
  const app = Fastify();
  registerSecurityHeaders(app, { upgradeInsecureRequests });
  app.get('/', async () => 'ok');
  const res = await app.inject({ method: 'GET', url: '/' });
  await app.close();
  return String(res.headers['content-security-policy']);
}

describe('security headers: CSP upgrade-insecure-requests', () => {
  it('is not sent by default, so /docs works over plain http on any host', async () => {
    expect(loadConfig({}).cspUpgradeInsecureRequests).toBe(false);
    const csp = await cspWith(false);
    expect(csp).toContain("default-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('is sent when CSP_UPGRADE_INSECURE_REQUESTS=true', async () => {
    expect(loadConfig({ CSP_UPGRADE_INSECURE_REQUESTS: 'true' }).cspUpgradeInsecureRequests).toBe(true);
    expect(await cspWith(true)).toContain('upgrade-insecure-requests');
  });

  it('refuses anything but true or false, naming the variable', () => {
    expect(() => loadConfig({ CSP_UPGRADE_INSECURE_REQUESTS: 'yes' })).toThrow(ConfigError);
    expect(() => loadConfig({ CSP_UPGRADE_INSECURE_REQUESTS: 'yes' })).toThrow(/CSP_UPGRADE_INSECURE_REQUESTS/);
  });
});
