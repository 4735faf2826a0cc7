import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reference data and sessions. The invariants that concurrency could break live here too: one active
 * session per vehicle and per station (partial unique indexes), consistent states (checks), and a
 * finalized session that no UPDATE or DELETE can touch (trigger).
 */
export class CreateFleetAndSessions1763800001000 implements MigrationInterface {
  name = 'CreateFleetAndSessions1763800001000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE vehicle (
        id uuid PRIMARY KEY,
        label text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
        battery_capacity_wh numeric(14,3) NOT NULL CHECK (battery_capacity_wh > 0),
        energy_wh numeric(14,3) NOT NULL CHECK (energy_wh >= 0 AND energy_wh <= battery_capacity_wh),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE station (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        rated_power_w integer NOT NULL CHECK (rated_power_w > 0),
        time_zone text NOT NULL,
        metered boolean NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE rider (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`
      CREATE TABLE session (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('RIDE', 'CHARGING')),
        state text NOT NULL CHECK (state IN ('ACTIVE', 'FINALIZED')),
        vehicle_id uuid NOT NULL REFERENCES vehicle (id),
        rider_id uuid REFERENCES rider (id),
        station_id uuid REFERENCES station (id),
        station_rated_power_w integer,
        station_metered boolean,
        station_time_zone text,
        free_capacity_wh numeric(14,3),
        started_at timestamptz NOT NULL,
        ended_at timestamptz,
        energy_wh numeric(14,3),
        energy_source text CHECK (energy_source IN ('TELEMETRY', 'RATED_POWER')),
        distance_m numeric(14,3),
        sample_count integer CHECK (sample_count >= 0),
        duration_s integer CHECK (duration_s >= 0),
        CONSTRAINT session_kind_parties CHECK (
          (kind = 'RIDE' AND rider_id IS NOT NULL AND station_id IS NULL)
          OR (kind = 'CHARGING' AND station_id IS NOT NULL AND rider_id IS NULL
              AND station_rated_power_w IS NOT NULL AND station_metered IS NOT NULL
              AND station_time_zone IS NOT NULL AND free_capacity_wh IS NOT NULL)),
        CONSTRAINT session_state_totals CHECK (
          (state = 'ACTIVE' AND ended_at IS NULL AND energy_wh IS NULL)
          OR (state = 'FINALIZED' AND ended_at IS NOT NULL AND energy_wh IS NOT NULL AND energy_source IS NOT NULL
              AND distance_m IS NOT NULL AND sample_count IS NOT NULL AND duration_s IS NOT NULL)),
        CONSTRAINT session_ends_after_start CHECK (ended_at IS NULL OR ended_at >= started_at)
      )`);
    await runner.query(
      `CREATE UNIQUE INDEX session_one_active_per_vehicle ON session (vehicle_id) WHERE state = 'ACTIVE'`,
    );
    await runner.query(
      `CREATE UNIQUE INDEX session_one_active_per_station ON session (station_id) WHERE state = 'ACTIVE'`,
    );
    await runner.query(`CREATE INDEX session_by_start ON session (started_at DESC, id DESC)`);
    await runner.query(`CREATE INDEX session_by_vehicle ON session (vehicle_id, started_at DESC)`);
    await runner.query(
      `CREATE INDEX session_by_rider ON session (rider_id, started_at DESC) WHERE rider_id IS NOT NULL`,
    );
    await runner.query(
      `CREATE INDEX session_by_station ON session (station_id, started_at DESC) WHERE station_id IS NOT NULL`,
    );
    await runner.query(`
      CREATE FUNCTION session_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.state = 'FINALIZED' THEN
          RAISE EXCEPTION 'session % is finalized and immutable', OLD.id USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
          RETURN OLD;
        END IF;
        IF NEW.id <> OLD.id OR NEW.kind <> OLD.kind OR NEW.vehicle_id <> OLD.vehicle_id
           OR NEW.started_at <> OLD.started_at
           OR NEW.rider_id IS DISTINCT FROM OLD.rider_id OR NEW.station_id IS DISTINCT FROM OLD.station_id THEN
          RAISE EXCEPTION 'session % cannot change what it is', OLD.id USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await runner.query(
      `CREATE TRIGGER session_immutable_when_finalized BEFORE UPDATE OR DELETE ON session FOR EACH ROW EXECUTE FUNCTION session_guard()`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE session`);
    await runner.query(`DROP FUNCTION session_guard()`);
    await runner.query(`DROP TABLE rider`);
    await runner.query(`DROP TABLE station`);
    await runner.query(`DROP TABLE vehicle`);
  }
}
