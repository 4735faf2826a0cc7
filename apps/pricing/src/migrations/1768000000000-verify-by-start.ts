import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Verifications page through the priced records by (started_at, session_id), on an index that serves
 * exactly that order, so a page reads its own rows and no more however large the table or the range.
 * A verification running at the upgrade restarts from its first page: its position was a session id
 * alone, which does not say where it stands in the new order.
 */
export class VerifyByStart1768000000000 implements MigrationInterface {
  name = 'VerifyByStart1768000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE INDEX billing_record_priced_by_start ON billing_record (started_at, session_id) WHERE status = 'PRICED'`,
    );
    await runner.query(`ALTER TABLE billing_verification ADD COLUMN after_started_at timestamptz`);
    await runner.query(
      `UPDATE billing_verification SET checked = 0, mismatch_count = 0, mismatches = '[]', after_session_id = NULL
       WHERE status = 'RUNNING'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE billing_verification DROP COLUMN after_started_at`);
    await runner.query(`DROP INDEX billing_record_priced_by_start`);
  }
}
