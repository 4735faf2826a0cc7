import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One ledger row per session: its running totals while Active, fixed once Sealed. The database
 * refuses any change to a sealed row and any deletion, so a seal's totals are final.
 */
export class CreateSessionLedger1763800002000 implements MigrationInterface {
  name = 'CreateSessionLedger1763800002000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE session_ledger (
        session_id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('RIDE', 'CHARGING')),
        vehicle_id uuid NOT NULL,
        station_id uuid,
        state text NOT NULL CHECK (state IN ('ACTIVE', 'SEALED')),
        energy_wh numeric(18,3) NOT NULL DEFAULT 0 CHECK (energy_wh >= 0),
        distance_m numeric(18,3) NOT NULL DEFAULT 0 CHECK (distance_m >= 0),
        sample_count integer NOT NULL DEFAULT 0 CHECK (sample_count >= 0),
        started_at timestamptz NOT NULL,
        sealed_at timestamptz,
        CONSTRAINT session_ledger_sealed_at CHECK ((state = 'SEALED') = (sealed_at IS NOT NULL))
      )`);
    await runner.query(`
      CREATE FUNCTION session_ledger_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          RAISE EXCEPTION 'ledger rows are never deleted' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF OLD.state = 'SEALED' THEN
          RAISE EXCEPTION 'the ledger of session % is sealed', OLD.session_id USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await runner.query(
      `CREATE TRIGGER session_ledger_final_when_sealed BEFORE UPDATE OR DELETE ON session_ledger FOR EACH ROW EXECUTE FUNCTION session_ledger_guard()`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE session_ledger`);
    await runner.query(`DROP FUNCTION session_ledger_guard()`);
  }
}
