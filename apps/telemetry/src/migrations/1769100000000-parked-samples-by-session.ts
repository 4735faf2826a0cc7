import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A seal looks for its session's parked samples: by session, not through the whole parking. */
export class ParkedSamplesBySession1769100000000 implements MigrationInterface {
  name = 'ParkedSamplesBySession1769100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE INDEX parked_sample_by_session ON parked_sample (session_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP INDEX parked_sample_by_session`);
  }
}
