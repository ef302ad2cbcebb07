import { MigrationInterface, QueryRunner } from 'typeorm';

export class Savings1763700000005 implements MigrationInterface {
  name = 'Savings1763700000005';

  async up(_q: QueryRunner): Promise<void> {
    // Schema for the savings module goes here.
  }

  async down(_q: QueryRunner): Promise<void> {}
}
