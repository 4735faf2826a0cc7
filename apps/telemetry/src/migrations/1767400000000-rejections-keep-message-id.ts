import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A refused message keeps the AMQP messageId its publisher set, parked ones too until they are judged:
 * a publisher links even an unreadable or truncated message to its publish.
 */
export class RejectionsKeepMessageId1767400000000 implements MigrationInterface {
  name = 'RejectionsKeepMessageId1767400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE telemetry_rejection ADD COLUMN message_id text`);
    await runner.query(`ALTER TABLE parked_sample ADD COLUMN message_id text`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE parked_sample DROP COLUMN message_id`);
    await runner.query(`ALTER TABLE telemetry_rejection DROP COLUMN message_id`);
  }
}
