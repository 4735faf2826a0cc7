import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Samples are append-only: the database refuses UPDATE and DELETE. Rejections keep the original
 * payload and the reason. The ledger remembers a charger's last meter reading.
 */
export class CreateSamplesAndRejections1763800003000 implements MigrationInterface {
  name = 'CreateSamplesAndRejections1763800003000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE session_ledger ADD COLUMN last_meter_wh numeric(18,3)`);
    await runner.query(`
      CREATE TABLE telemetry_sample (
        telemetry_id uuid PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES session_ledger (session_id),
        source text NOT NULL CHECK (source IN ('VEHICLE', 'STATION')),
        device_id uuid NOT NULL,
        emitted_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        energy_wh numeric(14,3) NOT NULL CHECK (energy_wh >= 0),
        meter_wh numeric(18,3),
        distance_m numeric(14,3) CHECK (distance_m >= 0),
        speed_kmh numeric(8,3),
        battery_level_wh numeric(14,3),
        seq bigint,
        content_hash text NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX telemetry_sample_by_session ON telemetry_sample (session_id, emitted_at, telemetry_id)`,
    );
    await runner.query(`
      CREATE FUNCTION telemetry_sample_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'telemetry samples are append-only' USING ERRCODE = 'integrity_constraint_violation';
      END $$`);
    await runner.query(
      `CREATE TRIGGER telemetry_sample_immutable BEFORE UPDATE OR DELETE ON telemetry_sample FOR EACH ROW EXECUTE FUNCTION telemetry_sample_append_only()`,
    );
    await runner.query(`
      CREATE TABLE telemetry_rejection (
        id uuid PRIMARY KEY,
        reason text NOT NULL,
        detail text NOT NULL,
        telemetry_id text,
        session_id text,
        device_id text,
        payload text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX telemetry_rejection_by_time ON telemetry_rejection (received_at DESC, id DESC)`);
    await runner.query(
      `CREATE INDEX telemetry_rejection_by_session ON telemetry_rejection (session_id, received_at DESC)`,
    );
    await runner.query(
      `CREATE INDEX telemetry_rejection_by_device ON telemetry_rejection (device_id, received_at DESC)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE telemetry_rejection`);
    await runner.query(`DROP TABLE telemetry_sample`);
    await runner.query(`DROP FUNCTION telemetry_sample_append_only()`);
    await runner.query(`ALTER TABLE session_ledger DROP COLUMN last_meter_wh`);
  }
}
