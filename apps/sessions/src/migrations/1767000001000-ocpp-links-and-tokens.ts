import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A station's OCPP connector (one station per connector, by a unique index) and riders' tokens: an
 * idTag names one rider and one vehicle, unique case-insensitively as OCPP 1.6 compares idTags. A
 * revoked token keeps its idTag, so the card answers Blocked instead of naming someone else later.
 */
export class OcppLinksAndTokens1767000001000 implements MigrationInterface {
  name = 'OcppLinksAndTokens1767000001000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE station
        ADD COLUMN ocpp_charge_point_id text,
        ADD COLUMN ocpp_connector_id integer CHECK (ocpp_connector_id > 0),
        ADD CONSTRAINT station_ocpp_link_whole CHECK ((ocpp_charge_point_id IS NULL) = (ocpp_connector_id IS NULL))`);
    await runner.query(
      `CREATE UNIQUE INDEX station_one_per_ocpp_connector ON station (ocpp_charge_point_id, ocpp_connector_id)
       WHERE ocpp_charge_point_id IS NOT NULL`,
    );
    await runner.query(`
      CREATE TABLE rider_token (
        id uuid PRIMARY KEY,
        rider_id uuid NOT NULL REFERENCES rider (id),
        vehicle_id uuid NOT NULL REFERENCES vehicle (id),
        id_tag text NOT NULL CHECK (id_tag ~ '^[\\x21-\\x7e]{1,20}$'),
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await runner.query(`CREATE UNIQUE INDEX rider_token_one_per_id_tag ON rider_token (lower(id_tag))`);
    await runner.query(`CREATE INDEX rider_token_by_rider ON rider_token (rider_id, created_at DESC)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE rider_token`);
    await runner.query(`DROP INDEX station_one_per_ocpp_connector`);
    await runner.query(
      `ALTER TABLE station DROP CONSTRAINT station_ocpp_link_whole, DROP COLUMN ocpp_connector_id, DROP COLUMN ocpp_charge_point_id`,
    );
  }
}
