import type { MigrationInterface, QueryRunner } from 'typeorm';
import { projectionTables } from '../projection/infrastructure/projection-tables';

/**
 * The live projection (schema `projection`) and the state beside it: when the projection was last
 * built whole, the newest event applied, and the progress of a rebuild.
 */
export class CreateProjection1766100000000 implements MigrationInterface {
  name = 'CreateProjection1766100000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const statement of projectionTables('projection')) await runner.query(statement);
    await runner.query(`
      CREATE TABLE projection_state (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        built_at timestamptz,
        last_event_occurred_at timestamptz,
        last_applied_at timestamptz,
        rebuild_state text NOT NULL DEFAULT 'IDLE' CHECK (rebuild_state IN ('IDLE', 'REBUILDING')),
        rebuild_schema text,
        rebuild_started_at timestamptz,
        rebuild_finished_at timestamptz,
        rebuild_sessions_read bigint NOT NULL DEFAULT 0,
        rebuild_billing_read bigint NOT NULL DEFAULT 0
      )`);
    await runner.query(`INSERT INTO projection_state (id) VALUES (true)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE projection_state`);
    await runner.query(`DROP SCHEMA projection CASCADE`);
  }
}
