import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Device credentials: which broker users the gateway created, one per vehicle or station. The
 * password lives only in the broker (hashed there) and in the one answer that created it.
 */
export class CreateDeviceCredentials1765000000002 implements MigrationInterface {
  name = 'CreateDeviceCredentials1765000000002';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE device_credential (
        id uuid PRIMARY KEY,
        username text NOT NULL UNIQUE,
        vehicle_id uuid,
        station_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (num_nonnulls(vehicle_id, station_id) = 1)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE device_credential`);
  }
}
