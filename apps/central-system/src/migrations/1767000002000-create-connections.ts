import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which central-system instance each charge point is connected to now, so a command reaches it
 * through the broker: the newest connection wins, and closing removes only its own row.
 */
export class CreateConnections1767000002000 implements MigrationInterface {
  name = 'CreateConnections1767000002000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE charge_point_connection (
        charge_point_id text PRIMARY KEY REFERENCES charge_point (charge_point_id),
        instance_id uuid NOT NULL,
        connection_id uuid NOT NULL,
        connected_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE charge_point_connection`);
  }
}
