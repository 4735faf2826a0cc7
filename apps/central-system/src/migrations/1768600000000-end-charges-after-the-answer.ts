import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A stopped transaction's charge is ended after the StopTransaction is answered: the row keeps the
 * reading the end waits for (`last_telemetry_id`), when the next attempt is due (`end_due_at`, the
 * lease of the attempt under way), how many were made, and when the charge is known to have ended or
 * why ending it was refused for good. Stops recorded before this carry no end due and no end known:
 * most of their charges ended before the stop was answered, but one whose end failed would wait for
 * the charge point's retried stop, so such a retry, or a start that finds that charge in its way,
 * attempts the end then (ending a finalized session again only finds it finalized).
 */
export class EndChargesAfterTheAnswer1768600000000 implements MigrationInterface {
  name = 'EndChargesAfterTheAnswer1768600000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE ocpp_transaction
        ADD COLUMN last_telemetry_id uuid,
        ADD COLUMN end_due_at timestamptz,
        ADD COLUMN end_attempts integer NOT NULL DEFAULT 0 CHECK (end_attempts >= 0),
        ADD COLUMN ended_at timestamptz,
        ADD COLUMN end_refused text,
        ADD CONSTRAINT ocpp_transaction_ends_after_its_stop
          CHECK ((end_due_at IS NULL AND ended_at IS NULL) OR stopped_at IS NOT NULL)`);
    await runner.query(
      `CREATE INDEX ocpp_transaction_ends_due ON ocpp_transaction (end_due_at) WHERE end_due_at IS NOT NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX ocpp_transaction_ends_due`);
    await runner.query(`
      ALTER TABLE ocpp_transaction
        DROP CONSTRAINT ocpp_transaction_ends_after_its_stop,
        DROP COLUMN last_telemetry_id, DROP COLUMN end_due_at, DROP COLUMN end_attempts,
        DROP COLUMN ended_at, DROP COLUMN end_refused`);
  }
}
