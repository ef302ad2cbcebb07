import { MigrationInterface, QueryRunner } from 'typeorm';

export class Investors1763700000003 implements MigrationInterface {
  name = 'Investors1763700000003';

  async up(_q: QueryRunner): Promise<void> {
    // Schema for the investors module goes here.
  }

  async down(_q: QueryRunner): Promise<void> {}
}
