import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SealedTotals, SessionKind } from '@chargeflow/contracts';

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
  async open(manager: EntityManager, opening: LedgerOpening): Promise<void> {
    await manager.query(
      `INSERT INTO session_ledger (session_id, kind, vehicle_id, station_id, state, started_at, metered)
       VALUES ($1, $2, $3, $4, 'ACTIVE', $5, $6) ON CONFLICT (session_id) DO NOTHING`,
      [
        opening.sessionId,
        opening.kind,
        opening.vehicleId,
        opening.stationId,
        opening.startedAt,
        opening.kind === 'CHARGING' && opening.stationMetered === true,
      ],
    );
  }

  /**
   * Seals the ledger if still Active (opening it sealed and empty when the seal overtook the session's
   * start), in one statement that takes the row's lock; returns the totals, the same every time. The
   * session ends at `sealedAt`, so it is never before the session's start, whatever this clock says.
   */
  async seal(manager: EntityManager, opening: LedgerOpening): Promise<SealedTotals> {
    const [sealed] = (await manager.query(sealStatement.text, sealStatement.values(opening))) as LedgerRow[];
    if (sealed) return toTotals(sealed);
    const [row] = (await manager.query(
      `SELECT session_id, state, energy_wh, distance_m, sample_count, sealed_at FROM session_ledger WHERE session_id = $1`,
      [opening.sessionId],
    )) as LedgerRow[];
    return toTotals(row);
  }
}

/** The seal as one statement: it returns no row when the ledger was sealed already. */
export const sealStatement = {
  text: `INSERT INTO session_ledger (session_id, kind, vehicle_id, station_id, state, started_at, metered, sealed_at)
    VALUES ($1, $2, $3, $4, 'SEALED', $5, $6, greatest(now(), $5::timestamptz))
    ON CONFLICT (session_id) DO UPDATE SET state = 'SEALED', sealed_at = greatest(now(), session_ledger.started_at)
      WHERE session_ledger.state = 'ACTIVE'
    RETURNING session_id, state, energy_wh, distance_m, sample_count, sealed_at`,
  values: (opening: LedgerOpening): unknown[] => [
    opening.sessionId,
    opening.kind,
    opening.vehicleId,
    opening.stationId,
    opening.startedAt,
    opening.kind === 'CHARGING' && opening.stationMetered === true,
  ],
};

function toTotals(row: LedgerRow): SealedTotals {
  return {
    sessionId: row.session_id,
    energyWh: row.energy_wh,
    distanceM: row.distance_m,
    sampleCount: row.sample_count,
    sealedAt: (row.sealed_at as Date).toISOString(),
  };
}
