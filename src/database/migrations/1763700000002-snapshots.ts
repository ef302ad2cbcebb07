import { MigrationInterface, QueryRunner } from 'typeorm';

export class Snapshots1763700000002 implements MigrationInterface {
  name = 'Snapshots1763700000002';

  async up(_q: QueryRunner): Promise<void> {
    // Schema for the snapshots module goes here.
  }

  async down(_q: QueryRunner): Promise<void> {}
}
