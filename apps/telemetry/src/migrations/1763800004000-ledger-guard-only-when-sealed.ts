import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The sealed-ledger guard ran a PL/pgSQL call for every ledger update of every batch; with the
 * condition in the trigger's WHEN clause, PostgreSQL only calls it for a row that is already sealed.
 */
export class LedgerGuardOnlyWhenSealed1763800004000 implements MigrationInterface {
  name = 'LedgerGuardOnlyWhenSealed1763800004000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TRIGGER session_ledger_final_when_sealed ON session_ledger`);
    await runner.query(
      `CREATE TRIGGER session_ledger_final_when_sealed BEFORE UPDATE ON session_ledger FOR EACH ROW
       WHEN (OLD.state = 'SEALED') EXECUTE FUNCTION session_ledger_guard()`,
    );
    await runner.query(
      `CREATE TRIGGER session_ledger_never_deleted BEFORE DELETE ON session_ledger FOR EACH ROW EXECUTE FUNCTION session_ledger_guard()`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TRIGGER session_ledger_never_deleted ON session_ledger`);
    await runner.query(`DROP TRIGGER session_ledger_final_when_sealed ON session_ledger`);
    await runner.query(
      `CREATE TRIGGER session_ledger_final_when_sealed BEFORE UPDATE OR DELETE ON session_ledger FOR EACH ROW EXECUTE FUNCTION session_ledger_guard()`,
    );
  }
}
