import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OCPP transactions: the integer transactionId a charge point knows, mapped to the charging session.
 * A retried StartTransaction (same connector, idTag, meterStart and timestamp) finds its first row
 * through the unique index, so it gets the same transactionId and never a second session.
 */
export class CreateTransactions1767000001000 implements MigrationInterface {
  name = 'CreateTransactions1767000001000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE ocpp_transaction (
        transaction_id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        charge_point_id text NOT NULL REFERENCES charge_point (charge_point_id),
        connector_id integer NOT NULL CHECK (connector_id > 0),
        id_tag text NOT NULL,
        meter_start_wh numeric NOT NULL CHECK (meter_start_wh >= 0),
        started_at timestamptz NOT NULL,
        session_id uuid NOT NULL UNIQUE,
        station_id uuid NOT NULL,
        stopped_at timestamptz,
        meter_stop_wh numeric,
        stop_reason text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(
      `CREATE UNIQUE INDEX ocpp_transaction_one_per_start
       ON ocpp_transaction (charge_point_id, connector_id, lower(id_tag), meter_start_wh, started_at)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ocpp_transaction`);
  }
}
