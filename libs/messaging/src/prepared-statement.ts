import type { EntityManager } from 'typeorm';

/** One SQL statement and its parameters, as node-pg and TypeORM's `query` take them. */
export interface Statement {
  text: string;
  values: unknown[];
}

/**
 * How many distinct texts get a name. Hot statements are a handful of fixed texts per process; a text
 * built from its input (a batch of n rows) must not grow the map, nor the server's per-connection cache.
 */
const MAX_NAMED_TEXTS = 64;
const names = new Map<string, string>();
let named = 0;

function nameOf(text: string): string | undefined {
  const known = names.get(text);
  if (known || names.size >= MAX_NAMED_TEXTS) return known;
  named += 1;
  const name = `chargeflow_${named}`;
  names.set(text, name);
  return name;
}

/**
 * PostgreSQL refuses to run a prepared statement whose result's columns changed type since it was
 * prepared (a migration altered a column it returns); node-pg keeps using the name on that connection.
 */
function isStalePlan(error: unknown): boolean {
  const cause = (error as { driverError?: { code?: string; message?: string } }).driverError;
  return cause?.code === '0A000' && /cached plan must not change result type/.test(cause.message ?? '');
}

/**
 * A statement as node-pg's query config for a named prepared statement: PostgreSQL parses and plans
 * its text once per connection, and each later run binds and executes only (the command path's
 * statements from plain `pg` ran 15 - 50 % more pairs a second prepared than unnamed). For statements
 * whose text is fixed, their values in parameters; past 64 distinct texts in a process a statement
 * runs unnamed. One config per run: node-pg writes the run's values into it.
 */
export function preparedQuery(statement: Statement): PreparedQuery {
  return new PreparedQuery(nameOf(statement.text), statement.text, statement.values);
}

/**
 * Runs a statement of the hot path prepared (see `preparedQuery`) in `manager`'s transaction or on its
 * own. When a migration another instance ran changed the type of a column the statement returns, its
 * text gets a new name, which every connection prepares afresh; a statement on its own is run again at
 * once, one in a transaction fails (the transaction is aborted) for its caller to retry.
 */
export async function runPrepared<T = unknown>(manager: EntityManager, statement: Statement): Promise<T> {
  // TypeORM types the query as a string and passes it to node-pg unchanged, which takes a config.
  const run = () => manager.query(preparedQuery(statement) as unknown as string, statement.values) as Promise<T>;
  try {
    return await run();
  } catch (error) {
    if (!isStalePlan(error)) throw error;
    names.delete(statement.text);
    if (manager.queryRunner?.isTransactionActive) throw error;
    return run();
  }
}

/** Reads as its SQL where TypeORM writes the query as text (a failed query's log line and error). */
class PreparedQuery implements Statement {
  constructor(
    readonly name: string | undefined,
    readonly text: string,
    readonly values: unknown[],
  ) {}

  toString(): string {
    return this.text;
  }
}
