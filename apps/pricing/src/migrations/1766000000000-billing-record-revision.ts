import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A billing record's revision: one more each time a record replaces the session's previous one, so
 * consumers of billing.calculated.v2 keep the newest and ignore one that arrives late. Records written
 * before this migration start at 1, whatever they replaced: no v2 event named them before.
 */
export class BillingRecordRevision1766000000000 implements MigrationInterface {
  name = 'BillingRecordRevision1766000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `ALTER TABLE billing_record ADD COLUMN revision integer NOT NULL DEFAULT 1 CONSTRAINT billing_record_revision CHECK (revision >= 1)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE billing_record DROP COLUMN revision`);
  }
}
