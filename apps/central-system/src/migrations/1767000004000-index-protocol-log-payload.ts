import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The protocol log's `q` search (`payload ILIKE '%…%'`) served by a trigram index instead of a scan
 * of every frame. pg_trgm ships with PostgreSQL and is a trusted extension, so the database's owner
 * may create it.
 */
export class IndexProtocolLogPayload1767000004000 implements MigrationInterface {
  name = 'IndexProtocolLogPayload1767000004000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await runner.query(`CREATE INDEX ocpp_frame_payload_trigrams ON ocpp_frame USING gin (payload gin_trgm_ops)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX ocpp_frame_payload_trigrams`);
  }
}
