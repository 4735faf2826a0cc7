import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox no longer NOTIFYs on insert: PostgreSQL serializes the commits of notifying transactions
 * across the server, so every outbox write waited for every other's WAL flush. The relay is woken in
 * its own process when the transaction that wrote a row commits, and polls for the rest.
 */
export class OutboxWithoutNotify1768500000000 implements MigrationInterface {
  name = 'OutboxWithoutNotify1768500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TRIGGER outbox_message_inserted ON outbox_message`);
    await runner.query(`DROP FUNCTION outbox_message_notify()`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE FUNCTION outbox_message_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('outbox_message', '');
        RETURN NULL;
      END $$`);
    await runner.query(`
      CREATE TRIGGER outbox_message_inserted AFTER INSERT ON outbox_message
      FOR EACH STATEMENT EXECUTE FUNCTION outbox_message_notify()`);
  }
}
