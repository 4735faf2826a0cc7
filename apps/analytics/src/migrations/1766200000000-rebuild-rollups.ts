import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether a running rebuild's schema takes the rollup contributions of the events applied meanwhile:
 * set once the rebuild has counted its own rollups, so the switch-over itself only renames schemas.
 */
export class RebuildRollups1766200000000 implements MigrationInterface {
  name = 'RebuildRollups1766200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE projection_state ADD COLUMN rebuild_rollups boolean NOT NULL DEFAULT false`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE projection_state DROP COLUMN rebuild_rollups`);
  }
}
