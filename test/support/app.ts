import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import request from 'supertest';
import { createHttpApp } from '../../src/app/http';
import { Role } from '../../src/common/auth/actor';
import { signToken } from '../../src/common/auth/credentials';
import { createLogger } from '../../src/common/logging/logger';
import { AppConfig, loadConfig } from '../../src/config/env';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  url: string;
  http: () => ReturnType<typeof request>;
  close: () => Promise<void>;
}

/** The whole service (API and workers) on a real port, against the run's database and Redis. */
export async function startApp(env: Record<string, string> = {}, opts: { logs?: Writable; host?: string } = {}): Promise<TestApp> {
  const config = loadConfig({ ...process.env, ...env });
  const app = await createHttpApp(config, createLogger(config.logLevel, opts.logs));
  await app.listen({ port: 0, host: opts.host ?? '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  return { app, config, url, http: () => request(url), close: () => app.close() };
}

export const newOrg = (): string => randomUUID();

export function tokenFor(config: AppConfig, org: string, role: Role = 'admin', sub = `user-${role}`): string {
  return signToken({ sub, org, role }, config.jwtSecret);
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Polls a job until it settles; fails the test with the job's state when it does not. */
export async function waitForJob(
  t: TestApp,
  token: string,
  statusUrl: string,
  timeoutMs = 30_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let last: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    const res = await t.http().get(statusUrl).set(bearer(token));
    last = res.body as Record<string, unknown>;
    if (last.state === 'completed' || last.state === 'failed') return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job did not finish in ${timeoutMs} ms: ${JSON.stringify(last)}`);
}
