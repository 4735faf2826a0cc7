import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The first response to each (API key, Idempotency-Key), replayed for 24 h to retries of the same request. */
export class CreateIdempotencyRecords1765000000001 implements MigrationInterface {
  name = 'CreateIdempotencyRecords1765000000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE idempotency_record (
        api_key_id uuid NOT NULL,
        idempotency_key text NOT NULL,
        request_fingerprint char(64) NOT NULL,
        response_status smallint,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (api_key_id, idempotency_key)
      )`);
    await runner.query(`CREATE INDEX idempotency_record_expiry ON idempotency_record (expires_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE idempotency_record`);
  }
}
