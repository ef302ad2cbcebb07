import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppModule } from '../app/app.module';
import { loadConfig } from '../config/env';
import { buildOpenApiDocument } from './openapi';

/** Objects with their keys sorted, all the way down, so the file diffs and merges line by line. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * `npm run openapi`: writes openapi.json at the repo root. Runs from dist/ because the
 * @nestjs/swagger compiler plugin (nest build) is what reads the DTOs' types. The module graph
 * is built in preview mode, so no database, Redis or port is touched.
 */
async function main(): Promise<void> {
  // The document is the same for every configuration: the defaults, so no operator setting can
  // change or break the committed file.
  const config = loadConfig({ PROCESS_ROLE: 'api' });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRole(config), new FastifyAdapter(), {
    preview: true,
    logger: false,
  });
  const out = resolve(process.argv[2] ?? resolve(__dirname, '../../openapi.json'));
  writeFileSync(out, `${JSON.stringify(sortKeys(buildOpenApiDocument(app)), null, 2)}\n`);
  await app.close();
  process.stdout.write(`wrote ${out}\n`);
}

if (require.main === module) void main();
