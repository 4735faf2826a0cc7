import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The inbox: which consumer has already applied which message, written with the effect itself. */
export class CreateInbox1763800000001 implements MigrationInterface {
  name = 'CreateInbox1763800000001';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE inbox_message (
        consumer text NOT NULL,
        message_id uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE inbox_message`);
  }
}
