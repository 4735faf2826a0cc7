import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Billing records: a cache derived from finalized sessions and tariff versions, recomputable at any
 * time (verify). One record per session; an UNPRICED one waits for a tariff that applies.
 */
export class CreateBillingRecords1763800006000 implements MigrationInterface {
  name = 'CreateBillingRecords1763800006000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE billing_record (
        session_id uuid PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('PRICED', 'UNPRICED')),
        reason text,
        kind text NOT NULL CHECK (kind IN ('RIDE', 'CHARGING')),
        rider_id uuid,
        station_id uuid,
        started_at timestamptz NOT NULL,
        session jsonb NOT NULL,
        tariff_id uuid,
        tariff_version integer,
        record jsonb,
        calculated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT billing_record_priced CHECK ((status = 'PRICED') = (record IS NOT NULL AND tariff_id IS NOT NULL AND tariff_version IS NOT NULL))
      )`);
    await runner.query(`CREATE INDEX billing_record_by_start ON billing_record (started_at DESC, session_id DESC)`);
    await runner.query(
      `CREATE INDEX billing_record_by_rider ON billing_record (rider_id, started_at) WHERE rider_id IS NOT NULL`,
    );
    await runner.query(
      `CREATE INDEX billing_record_unpriced ON billing_record (kind, station_id) WHERE status = 'UNPRICED'`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE billing_record`);
  }
}
