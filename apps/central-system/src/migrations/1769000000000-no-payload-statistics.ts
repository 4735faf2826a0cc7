import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * No planner statistics for the protocol log's payloads. With them, a `q` search's estimate came from
 * matching the pattern against a random sample's histogram of JSON frames: when a frame that contains
 * the text happened to be a histogram bound, the planner expected hundreds of matches and walked the
 * newest-first index instead of the trigram index (a rare text then read the whole log). Without them
 * the pattern's own length decides, and a search uses the trigram index whatever ANALYZE sampled.
 */
export class NoPayloadStatistics1769000000000 implements MigrationInterface {
  name = 'NoPayloadStatistics1769000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE ocpp_frame ALTER COLUMN payload SET STATISTICS 0`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE ocpp_frame ALTER COLUMN payload SET STATISTICS -1`);
  }
}
