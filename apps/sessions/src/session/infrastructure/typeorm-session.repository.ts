import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EnergySource, ListSessionsRequest, SessionKind, SessionState } from '@chargeflow/contracts';
import { outboxWrittenBy, runPrepared } from '@chargeflow/messaging';
import { cursorInstant, type Position } from '@chargeflow/runtime';
import type { ActiveSessions } from '../domain/one-active-session.policy';
import type { Session, SessionSnapshot } from '../domain/session.aggregate';
import type { EndingSession, PendingEnd, SessionRepository, StartOutcome } from '../domain/session.repository';
import {
  finalizeStatement,
  lockForEndStatement,
  requestEndStatement,
  sessionColumns,
  startStatement,
} from './session-statements';

/** PostgreSQL's foreign_key_violation: a start naming a vehicle, rider or station that does not exist. */
const FOREIGN_KEY_VIOLATION = '23503';

interface SessionRow {
  id: string;
  kind: SessionKind;
  state: SessionState;
  vehicle_id: string;
  rider_id: string | null;
  station_id: string | null;
  station_rated_power_w: number | null;
  station_metered: boolean | null;
  station_time_zone: string | null;
  free_capacity_wh: string | null;
  started_at: Date;
  ended_at: Date | null;
  energy_wh: string | null;
  energy_source: EnergySource | null;
  distance_m: string | null;
  sample_count: number | null;
  duration_s: number | null;
}

function toSnapshot(row: SessionRow): SessionSnapshot {
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    vehicleId: row.vehicle_id,
    riderId: row.rider_id,
    charge:
      row.kind === 'CHARGING'
        ? {
            stationId: row.station_id as string,
            ratedPowerW: row.station_rated_power_w as number,
            metered: row.station_metered as boolean,
            timeZone: row.station_time_zone as string,
            freeCapacityWh: row.free_capacity_wh as string,
          }
        : null,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    totals:
      row.state === 'FINALIZED'
        ? {
            energyWh: row.energy_wh as string,
            energySource: row.energy_source as EnergySource,
            distanceM: row.distance_m as string,
            sampleCount: row.sample_count as number,
            durationS: row.duration_s as number,
          }
        : null,
  };
}

type EndingRow = SessionRow & { battery_capacity_wh: string; vehicle_energy_wh: string };

function toEnding([row]: EndingRow[]): EndingSession | null {
  return row
    ? { session: toSnapshot(row), battery: { capacityWh: row.battery_capacity_wh, energyWh: row.vehicle_energy_wh } }
    : null;
}

/** Sessions in the sessions database. Every write runs in the caller's transaction. */
@Injectable()
export class TypeOrmSessionRepository implements SessionRepository {
  async findById(manager: EntityManager, id: string): Promise<SessionSnapshot | null> {
    const [row] = (await manager.query(`SELECT ${sessionColumns()} FROM session WHERE id = $1`, [id])) as SessionRow[];
    return row ? toSnapshot(row) : null;
  }

  async lockForEnd(manager: EntityManager, id: string): Promise<EndingSession | null> {
    return toEnding(await runPrepared<EndingRow[]>(manager, lockForEndStatement(id)));
  }

  /** One statement for both: a charge start reads them on its path, a refused ride start to name why. */
  async activeSessions(manager: EntityManager, session: SessionSnapshot): Promise<ActiveSessions> {
    const [row] = await runPrepared<ActiveSessions[]>(manager, {
      text: `SELECT (SELECT id FROM session WHERE vehicle_id = $1 AND state = 'ACTIVE') AS "onVehicle",
              (SELECT id FROM session WHERE station_id = $2 AND state = 'ACTIVE') AS "atStation"`,
      values: [session.vehicleId, session.charge?.stationId ?? null],
    });
    return { onVehicle: row.onVehicle, atStation: session.charge ? row.atStation : null };
  }

  async insertStarted(manager: EntityManager, started: Session): Promise<StartOutcome> {
    try {
      const inserted = (await runPrepared(manager, startStatement(started))) as unknown[];
      if (inserted.length === 0) return 'refused';
      outboxWrittenBy(manager);
      return 'started';
    } catch (error) {
      if ((error as { code?: string }).code === FOREIGN_KEY_VIOLATION) return 'unknown-party';
      throw error;
    }
  }

  async saveFinalized(
    manager: EntityManager,
    finalized: Session,
    vehicleEnergyWh: string,
    readFrom: EndingSession,
  ): Promise<boolean> {
    const statement = finalizeStatement(finalized, vehicleEnergyWh, readFrom.battery);
    const updated = (await runPrepared(manager, statement)) as unknown[];
    if (updated.length === 0) return false;
    outboxWrittenBy(manager);
    return true;
  }

  async requestEnd(manager: EntityManager, id: string, kind: SessionKind): Promise<EndingSession | null> {
    return toEnding(await runPrepared<EndingRow[]>(manager, requestEndStatement(id, kind)));
  }

  /** SKIP LOCKED: an instance never waits for, nor takes, a session another instance is claiming. */
  async claimPendingEnds(manager: EntityManager, afterMs: number, limit: number): Promise<PendingEnd[]> {
    const [rows] = (await manager.query(
      `UPDATE session SET end_attempted_at = now()
       WHERE id IN (
         SELECT id FROM session
         WHERE state = 'ACTIVE' AND end_attempted_at < now() - make_interval(secs => $1::double precision / 1000)
         ORDER BY end_attempted_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, kind, end_correlation_id`,
      [afterMs, limit],
    )) as [{ id: string; kind: SessionKind; end_correlation_id: string | null }[], number];
    return rows.map((row) => ({ sessionId: row.id, kind: row.kind, correlationId: row.end_correlation_id }));
  }

  async list(
    manager: EntityManager,
    filter: ListSessionsRequest,
    after: Position | null,
    limit: number,
  ): Promise<(SessionSnapshot & { cursorAt: string })[]> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    const where = (sql: string, value: unknown) => {
      values.push(value);
      conditions.push(sql.replace('?', `$${values.length}`));
    };
    if (filter.kind) where('kind = ?', filter.kind);
    if (filter.state) where('state = ?', filter.state);
    if (filter.vehicleId) where('vehicle_id = ?', filter.vehicleId);
    if (filter.stationId) where('station_id = ?', filter.stationId);
    if (filter.riderId) where('rider_id = ?', filter.riderId);
    if (filter.from) where('started_at >= ?', new Date(filter.from));
    if (filter.to) where('started_at < ?', new Date(filter.to));
    if (after) {
      values.push(after.at, after.id);
      conditions.push(`(started_at, id) < ($${values.length - 1}, $${values.length})`);
    }
    values.push(limit + 1);
    const rows = (await manager.query(
      `SELECT ${sessionColumns()}, ${cursorInstant('started_at')} AS cursor_at FROM session
       ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY started_at DESC, id DESC LIMIT $${values.length}`,
      values,
    )) as (SessionRow & { cursor_at: string })[];
    return rows.map((row) => ({ ...toSnapshot(row), cursorAt: row.cursor_at }));
  }
}
