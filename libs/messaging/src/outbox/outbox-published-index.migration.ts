import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Lets the relay find the rows published before the retention without reading the ones it keeps. */
export class IndexOutboxPublishedAt1765100000000 implements MigrationInterface {
  name = 'IndexOutboxPublishedAt1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      `CREATE INDEX outbox_message_published ON outbox_message (published_at) WHERE published_at IS NOT NULL`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX outbox_message_published`);
  }
}
