import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Charge points (a password hash, never the password) and the last status each of their connectors
 * reported; connector 0 is the charge point itself.
 */
export class CreateChargePoints1767000000000 implements MigrationInterface {
  name = 'CreateChargePoints1767000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE charge_point (
        charge_point_id text PRIMARY KEY CHECK (charge_point_id ~ '^[A-Za-z0-9._-]{1,48}$'),
        password_hash text NOT NULL,
        vendor text,
        model text,
        booted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE connector_status (
        charge_point_id text NOT NULL REFERENCES charge_point (charge_point_id),
        connector_id integer NOT NULL CHECK (connector_id >= 0),
        status text NOT NULL,
        error_code text NOT NULL,
        info text,
        status_at timestamptz NOT NULL,
        PRIMARY KEY (charge_point_id, connector_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE connector_status`);
    await runner.query(`DROP TABLE charge_point`);
  }
}
