import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The time zone a record's restrictions were read in, stored with the record so that a later change
 * of OPERATOR_TIME_ZONE cannot turn it into a mismatch (records priced before this migration get it
 * at start-up, see LegacyTimeZones); and verifications that run in pages in the background.
 */
export class BillingInputsAndVerifications1767000000000 implements MigrationInterface {
  name = 'BillingInputsAndVerifications1767000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE billing_record ADD COLUMN time_zone text`);
    await runner.query(
      `CREATE INDEX billing_record_unpriced_oldest ON billing_record (calculated_at) WHERE status = 'UNPRICED'`,
    );
    await runner.query(
      `CREATE INDEX billing_record_without_time_zone ON billing_record (session_id) WHERE status = 'PRICED' AND time_zone IS NULL`,
    );
    await runner.query(`
      CREATE TABLE billing_verification (
        id uuid PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('RUNNING', 'DONE', 'FAILED')),
        range_from timestamptz,
        range_to timestamptz,
        total integer NOT NULL CHECK (total >= 0),
        checked integer NOT NULL DEFAULT 0 CHECK (checked >= 0),
        mismatch_count integer NOT NULL DEFAULT 0,
        mismatches jsonb NOT NULL DEFAULT '[]',
        after_session_id uuid,
        error text,
        lease_token uuid,
        lease_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE INDEX billing_verification_running ON billing_verification (created_at) WHERE status = 'RUNNING'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE billing_verification`);
    await runner.query(`DROP INDEX billing_record_without_time_zone`);
    await runner.query(`DROP INDEX billing_record_unpriced_oldest`);
    await runner.query(`ALTER TABLE billing_record DROP COLUMN time_zone`);
  }
}
