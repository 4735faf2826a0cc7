import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Verifications run in the background: any instance answers for a run, whichever started it. */
export class CreateVerifyRun1766300000000 implements MigrationInterface {
  name = 'CreateVerifyRun1766300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE verify_run (
        id uuid PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('RUNNING', 'DONE', 'FAILED')),
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        report jsonb,
        error text,
        CHECK ((status = 'RUNNING') = (finished_at IS NULL)),
        CHECK ((status = 'DONE') = (report IS NOT NULL)),
        CHECK ((status = 'FAILED') = (error IS NOT NULL))
      )`);
    await runner.query(`CREATE INDEX verify_run_by_start ON verify_run (started_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE verify_run`);
  }
}
