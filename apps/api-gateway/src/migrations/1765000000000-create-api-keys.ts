import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys: only the SHA-256 of each secret is kept; the secret itself is shown once, at creation.
 * Every change (a revocation) is announced on `api_key_changed` so that gateway instances drop it from their cache.
 */
export class CreateApiKeys1765000000000 implements MigrationInterface {
  name = 'CreateApiKeys1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE api_key (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        role text NOT NULL CHECK (role IN ('admin', 'operator', 'device', 'analyst')),
        vehicle_id text,
        station_id text,
        key_hash char(64) NOT NULL UNIQUE,
        key_prefix text NOT NULL,
        bootstrap boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz,
        CHECK ((role = 'device') = (num_nonnulls(vehicle_id, station_id) = 1))
      )`);
    await runner.query(`CREATE UNIQUE INDEX api_key_active_name ON api_key (name) WHERE revoked_at IS NULL`);
    await runner.query(`
      CREATE FUNCTION api_key_changed_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('api_key_changed', NEW.id::text);
        RETURN NULL;
      END $$`);
    await runner.query(`
      CREATE TRIGGER api_key_changed AFTER UPDATE ON api_key
      FOR EACH ROW EXECUTE FUNCTION api_key_changed_notify()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE api_key`);
    await runner.query(`DROP FUNCTION api_key_changed_notify()`);
  }
}
