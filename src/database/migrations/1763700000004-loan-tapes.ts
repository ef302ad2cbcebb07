import { MigrationInterface, QueryRunner } from 'typeorm';

export class LoanTapes1763700000004 implements MigrationInterface {
  name = 'LoanTapes1763700000004';

  async up(_q: QueryRunner): Promise<void> {
    // Schema for the loan-tapes module goes here.
  }

  async down(_q: QueryRunner): Promise<void> {}
}
