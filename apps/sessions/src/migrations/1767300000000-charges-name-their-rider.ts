import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A charge may name who charges (an OCPP start names the rider its idTag belongs to), so the charge is
 * on that rider's statement; a ride still needs its rider and never has a station.
 */
export class ChargesNameTheirRider1767300000000 implements MigrationInterface {
  name = 'ChargesNameTheirRider1767300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE session DROP CONSTRAINT session_kind_parties,
        ADD CONSTRAINT session_kind_parties CHECK (
          (kind = 'RIDE' AND rider_id IS NOT NULL AND station_id IS NULL)
          OR (kind = 'CHARGING' AND station_id IS NOT NULL
              AND station_rated_power_w IS NOT NULL AND station_metered IS NOT NULL
              AND station_time_zone IS NOT NULL AND free_capacity_wh IS NOT NULL))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE session DROP CONSTRAINT session_kind_parties,
        ADD CONSTRAINT session_kind_parties CHECK (
          (kind = 'RIDE' AND rider_id IS NOT NULL AND station_id IS NULL)
          OR (kind = 'CHARGING' AND station_id IS NOT NULL AND rider_id IS NULL
              AND station_rated_power_w IS NOT NULL AND station_metered IS NOT NULL
              AND station_time_zone IS NOT NULL AND free_capacity_wh IS NOT NULL))`);
  }
}
