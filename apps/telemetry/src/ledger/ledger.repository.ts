import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SealedTotals, SessionKind } from '@chargeflow/contracts';
import { runPrepared, type Statement } from '@chargeflow/messaging';

export interface LedgerOpening {
  sessionId: string;
  kind: SessionKind;
  vehicleId: string;
  stationId: string | null;
  startedAt: string;
  stationMetered?: boolean | null;
}

interface LedgerRow {
  session_id: string;
  state: 'ACTIVE' | 'SEALED';
  energy_wh: string;
  distance_m: string;
  sample_count: number;
  sealed_at: Date | null;
}

/** The per-session ledger in the telemetry database. */
@Injectable()
export class LedgerRepository {
  /** Opens the ledger if it does not exist yet; opening twice changes nothing. */
  open(manager: EntityManager, opening: LedgerOpening): Promise<void> {
    return this.openAll(manager, [opening]);
  }

  /** Opens, in one statement, the ledgers among `openings` that do not exist yet. */
  async openAll(manager: EntityManager, openings: LedgerOpening[]): Promise<void> {
    if (openings.length > 0) await runPrepared(manager, openLedgersStatement(openings));
  }

  /**
   * The seal, unless samples of the session wait in the parking: null then, with the ledger open, and
   * the caller judges them (no lookup needed, the ledger being open) before it seals. One statement
   * when the ledger is Active and nothing is parked, the seal almost always. When the seal overtook the
   * session's start, the ledger is opened here as `session.started.v1` would open it, if `opening`
   * says all the event would (a ride, or a charge with its station and the station's metering); else
   * it is sealed empty, its parked samples refused later.
   */
  async sealUnlessParked(manager: EntityManager, opening: LedgerOpening): Promise<SealedTotals | null> {
    const [[sealed]] = (await runPrepared(manager, sealActiveStatement(opening.sessionId, { unlessParked: true }))) as [
      LedgerRow[],
      number,
    ];
    if (sealed) return toTotals(sealed);
    const [{ ledger, waiting }] = (await manager.query(
      `SELECT (SELECT state FROM session_ledger WHERE session_id = $1) AS ledger,
          EXISTS (SELECT 1 FROM parked_sample WHERE session_id = $1) AS waiting`,
      [opening.sessionId],
    )) as { ledger: LedgerRow['state'] | null; waiting: boolean }[];
    if (waiting && ledger === 'ACTIVE') return null;
    if (waiting && ledger === null && opensAsTheStartWould(opening)) {
      await this.open(manager, opening);
      return null;
    }
    return this.seal(manager, opening);
  }

  /**
   * Seals the ledger if still Active and returns its totals, the same every time: an UPDATE, which
   * waits its turn for the row behind the sample batches that hold it and then seals its newest
   * version (an upsert would start over each time a batch commits, and starve on a ledger that
   * samples keep updating). When the seal overtook the session's start, it opens the ledger sealed and
   * empty. The session ends at `sealedAt`, never before the session's start, whatever this clock says.
   */
  async seal(manager: EntityManager, opening: LedgerOpening): Promise<SealedTotals> {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const [[sealed]] = (await runPrepared(manager, sealActiveStatement(opening.sessionId))) as [LedgerRow[], number];
      if (sealed) return toTotals(sealed);
      const [opened] = (await manager.query(
        `INSERT INTO session_ledger (session_id, kind, vehicle_id, station_id, state, started_at, metered, sealed_at)
         VALUES ($1, $2, $3, $4, 'SEALED', $5, $6, greatest(now(), $5::timestamptz))
         ON CONFLICT (session_id) DO NOTHING RETURNING ${LEDGER_COLUMNS}`,
        ledgerValues(opening),
      )) as LedgerRow[];
      if (opened) return toTotals(opened);
      const [existing] = (await manager.query(`SELECT ${LEDGER_COLUMNS} FROM session_ledger WHERE session_id = $1`, [
        opening.sessionId,
      ])) as LedgerRow[];
      // Opened Active in between by the session's start event: seal that.
      if (existing?.state === 'SEALED') return toTotals(existing);
    }
    throw new Error(`the ledger of session ${opening.sessionId} could not be sealed`);
  }
}

const LEDGER_COLUMNS = 'session_id, state, energy_wh, distance_m, sample_count, sealed_at';

/** Whether `opening` says all `session.started.v1` would: a charge's ledger needs its station and its metering. */
function opensAsTheStartWould(opening: LedgerOpening): boolean {
  return opening.kind === 'RIDE' || (opening.stationId !== null && typeof opening.stationMetered === 'boolean');
}

/** A ledger's columns, in the order the statements here insert them. */
function ledgerValues(opening: LedgerOpening): unknown[] {
  return [
    opening.sessionId,
    opening.kind,
    opening.vehicleId,
    opening.stationId,
    opening.startedAt,
    opening.kind === 'CHARGING' && opening.stationMetered === true,
  ];
}

/**
 * Opens an Active ledger for each opening whose session has none, one text whatever their number (so
 * it is prepared once). In session order, so two instances opening the same ledgers never wait on
 * each other in a circle; a session named twice is opened once.
 */
export function openLedgersStatement(openings: LedgerOpening[]): Statement {
  const columns = openings.map(ledgerValues);
  return {
    text: `INSERT INTO session_ledger (session_id, kind, vehicle_id, station_id, state, started_at, metered)
      SELECT session_id, kind, vehicle_id, station_id, 'ACTIVE', started_at, metered
      FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::timestamptz[], $6::boolean[])
        AS opening (session_id, kind, vehicle_id, station_id, started_at, metered)
      ORDER BY session_id
      ON CONFLICT (session_id) DO NOTHING`,
    values: [0, 1, 2, 3, 4, 5].map((column) => columns.map((values) => values[column])),
  };
}

/**
 * The seal of an Active ledger (with `unlessParked`, the statement a seal almost always is): no row
 * when there is none to seal, nor with `unlessParked` while samples of the session wait in the parking.
 */
export function sealActiveStatement(sessionId: string, { unlessParked = false } = {}): Statement {
  const nothingParked = unlessParked
    ? ' AND NOT EXISTS (SELECT 1 FROM parked_sample WHERE parked_sample.session_id = $1)'
    : '';
  return {
    text: `UPDATE session_ledger SET state = 'SEALED', sealed_at = greatest(now(), started_at)
      WHERE session_id = $1 AND state = 'ACTIVE'${nothingParked} RETURNING ${LEDGER_COLUMNS}`,
    values: [sessionId],
  };
}

function toTotals(row: LedgerRow): SealedTotals {
  return {
    sessionId: row.session_id,
    energyWh: row.energy_wh,
    distanceM: row.distance_m,
    sampleCount: row.sample_count,
    sealedAt: (row.sealed_at as Date).toISOString(),
  };
}
