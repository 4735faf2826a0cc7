import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tariffs and their versions. One tariff per target (a session kind's default, or one station's
 * charges); a published version is immutable, so the database refuses to change or delete it.
 */
export class CreateTariffs1763800005000 implements MigrationInterface {
  name = 'CreateTariffs1763800005000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE tariff (
        id uuid PRIMARY KEY,
        applies_kind text NOT NULL CHECK (applies_kind IN ('RIDE', 'CHARGING')),
        applies_station_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tariff_one_per_target UNIQUE NULLS NOT DISTINCT (applies_kind, applies_station_id),
        CONSTRAINT tariff_station_only_for_charges CHECK (applies_station_id IS NULL OR applies_kind = 'CHARGING')
      )`);
    await runner.query(`
      CREATE TABLE tariff_version (
        tariff_id uuid NOT NULL REFERENCES tariff (id),
        version integer NOT NULL CHECK (version > 0),
        effective_from timestamptz NOT NULL,
        document jsonb NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tariff_id, version)
      )`);
    await runner.query(`
      CREATE FUNCTION tariff_version_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'tariff versions are immutable; publish a new version' USING ERRCODE = 'integrity_constraint_violation';
      END $$`);
    await runner.query(
      `CREATE TRIGGER tariff_version_published BEFORE UPDATE OR DELETE ON tariff_version FOR EACH ROW EXECUTE FUNCTION tariff_version_immutable()`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE tariff_version`);
    await runner.query(`DROP FUNCTION tariff_version_immutable()`);
    await runner.query(`DROP TABLE tariff`);
  }
}
