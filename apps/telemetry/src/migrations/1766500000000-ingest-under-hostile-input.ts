import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A charge's meter is kept by `seq`: its lowest and highest readings, so readings count in any order.
 * The ledger knows whether its charge is metered (then a vehicle's samples are stored, not counted),
 * and its totals have the precision of the session's columns (numeric(14,3)). Samples of a session the
 * sessions service could not describe during an outage wait in `parked_sample`, off the queue.
 */
export class IngestUnderHostileInput1766500000000 implements MigrationInterface {
  name = 'IngestUnderHostileInput1766500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE session_ledger
        ADD COLUMN metered boolean NOT NULL DEFAULT false,
        ADD COLUMN first_meter_seq bigint,
        ADD COLUMN first_meter_wh numeric(14,3),
        ADD COLUMN last_meter_seq bigint,
        ALTER COLUMN last_meter_wh TYPE numeric(14,3),
        ALTER COLUMN energy_wh TYPE numeric(14,3),
        ALTER COLUMN distance_m TYPE numeric(14,3)`);
    await runner.query(`
      UPDATE session_ledger l SET metered = true, first_meter_seq = m.first_seq, first_meter_wh = m.first_wh, last_meter_seq = m.last_seq
      FROM (SELECT session_id, min(seq) AS first_seq, max(seq) AS last_seq,
              (array_agg(meter_wh ORDER BY seq))[1] AS first_wh
            FROM telemetry_sample WHERE meter_wh IS NOT NULL AND seq IS NOT NULL GROUP BY session_id) m
      WHERE l.session_id = m.session_id AND l.state = 'ACTIVE'`);
    await runner.query(`ALTER TABLE telemetry_sample ADD COLUMN counted boolean NOT NULL DEFAULT true`);
    await runner.query(`
      CREATE TABLE parked_sample (
        id uuid PRIMARY KEY,
        session_id uuid NOT NULL,
        routing_key text NOT NULL,
        correlation_id text,
        content bytea NOT NULL,
        parked_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE INDEX parked_sample_by_time ON parked_sample (parked_at, id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE parked_sample`);
    await runner.query(`ALTER TABLE telemetry_sample DROP COLUMN counted`);
    await runner.query(`
      ALTER TABLE session_ledger
        DROP COLUMN metered, DROP COLUMN first_meter_seq, DROP COLUMN first_meter_wh, DROP COLUMN last_meter_seq,
        ALTER COLUMN last_meter_wh TYPE numeric(18,3),
        ALTER COLUMN energy_wh TYPE numeric(18,3),
        ALTER COLUMN distance_m TYPE numeric(18,3)`);
  }
}
