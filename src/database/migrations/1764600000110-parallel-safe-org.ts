import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * app_org() is parallel safe: it only reads a setting, and a parallel helper starts with the
 * leader's settings. Declared unsafe (the default), it kept every statement under the tenant
 * policies serial, so the whole-organization recounts could not use the second core
 * (grouped-insert.ts). The service's connections still plan nothing in parallel unless a
 * statement asks (options.ts), so no other plan changes.
 */
export class ParallelSafeOrg1764600000110 implements MigrationInterface {
  name = 'ParallelSafeOrg1764600000110';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION app_org() PARALLEL SAFE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER FUNCTION app_org() PARALLEL UNSAFE`);
  }
}
