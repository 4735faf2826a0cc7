import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The protocol log (seed 003's Log Service role): every raw OCPP frame in both directions, append-
 * only (a trigger refuses changes), searchable newest first by charge point, action and transaction.
 */
export class CreateProtocolLog1767000003000 implements MigrationInterface {
  name = 'CreateProtocolLog1767000003000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE ocpp_frame (
        frame_id uuid PRIMARY KEY,
        charge_point_id text NOT NULL,
        direction text NOT NULL CHECK (direction IN ('IN', 'OUT')),
        message_type smallint CHECK (message_type IN (2, 3, 4)),
        message_id text,
        action text,
        transaction_id integer,
        at timestamptz NOT NULL,
        payload text NOT NULL,
        error text
      )`);
    await runner.query(`CREATE INDEX ocpp_frame_newest ON ocpp_frame (at DESC, frame_id DESC)`);
    await runner.query(
      `CREATE INDEX ocpp_frame_by_charge_point ON ocpp_frame (charge_point_id, at DESC, frame_id DESC)`,
    );
    await runner.query(
      `CREATE INDEX ocpp_frame_by_transaction ON ocpp_frame (transaction_id, at DESC, frame_id DESC) WHERE transaction_id IS NOT NULL`,
    );
    await runner.query(`CREATE INDEX ocpp_frame_by_action ON ocpp_frame (action, at DESC, frame_id DESC)`);
    await runner.query(`
      CREATE FUNCTION ocpp_frame_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the protocol log is append-only';
      END $$`);
    await runner.query(
      `CREATE TRIGGER ocpp_frame_append_only BEFORE UPDATE OR DELETE ON ocpp_frame
       FOR EACH ROW EXECUTE FUNCTION ocpp_frame_append_only()`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE ocpp_frame`);
    await runner.query(`DROP FUNCTION ocpp_frame_append_only`);
  }
}
