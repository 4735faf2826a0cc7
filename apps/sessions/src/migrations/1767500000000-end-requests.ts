import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A session remembers that its end was requested (first request, last attempt, the request's
 * correlation id) before telemetry is asked to seal it, so the end reconciler can finish an end whose
 * caller died or stopped waiting after the seal.
 */
export class EndRequests1767500000000 implements MigrationInterface {
  name = 'EndRequests1767500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE session
        ADD COLUMN end_requested_at timestamptz,
        ADD COLUMN end_attempted_at timestamptz,
        ADD COLUMN end_correlation_id text,
        ADD CONSTRAINT session_end_request_whole CHECK ((end_requested_at IS NULL) = (end_attempted_at IS NULL))`);
    await runner.query(
      `CREATE INDEX session_pending_end ON session (end_attempted_at) WHERE state = 'ACTIVE' AND end_attempted_at IS NOT NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX session_pending_end`);
    await runner.query(
      `ALTER TABLE session DROP CONSTRAINT session_end_request_whole, DROP COLUMN end_correlation_id,
         DROP COLUMN end_attempted_at, DROP COLUMN end_requested_at`,
    );
  }
}
