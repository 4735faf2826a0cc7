import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EnergySource, ListSessionsRequest, SessionKind, SessionState } from '@chargeflow/contracts';
import { currentCorrelation } from '@chargeflow/messaging';
import { cursorInstant, type Position } from '@chargeflow/runtime';
import type { ActiveSessions } from '../domain/one-active-session.policy';
import type { Session, SessionSnapshot } from '../domain/session.aggregate';
import type { PendingEnd, SessionRepository } from '../domain/session.repository';
import { publishSessionEvents } from './session-events.outbox';

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

const COLUMNS = `id, kind, state, vehicle_id, rider_id, station_id, station_rated_power_w, station_metered,
  station_time_zone, free_capacity_wh, started_at, ended_at, energy_wh, energy_source, distance_m, sample_count, duration_s`;

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

/** Sessions in the sessions database. Every write runs in the caller's transaction. */
@Injectable()
export class TypeOrmSessionRepository implements SessionRepository {
  async findById(manager: EntityManager, id: string): Promise<SessionSnapshot | null> {
    const [row] = (await manager.query(`SELECT ${COLUMNS} FROM session WHERE id = $1`, [id])) as SessionRow[];
    return row ? toSnapshot(row) : null;
  }

  /** Reads the session and holds its row until the transaction ends: ends are serialized per session. */
  async lockById(manager: EntityManager, id: string): Promise<SessionSnapshot | null> {
    const [row] = (await manager.query(`SELECT ${COLUMNS} FROM session WHERE id = $1 FOR UPDATE`, [
      id,
    ])) as SessionRow[];
    return row ? toSnapshot(row) : null;
  }

  async activeSessions(manager: EntityManager, session: SessionSnapshot): Promise<ActiveSessions> {
    return {
      onVehicle: await this.activeSessionOf(manager, 'vehicle_id', session.vehicleId),
      atStation: session.charge ? await this.activeSessionOf(manager, 'station_id', session.charge.stationId) : null,
    };
  }

  private async activeSessionOf(
    manager: EntityManager,
    party: 'vehicle_id' | 'station_id',
    id: string,
  ): Promise<string | null> {
    const [row] = (await manager.query(`SELECT id FROM session WHERE ${party} = $1 AND state = 'ACTIVE'`, [id])) as {
      id: string;
    }[];
    return row?.id ?? null;
  }

  /**
   * Inserts a new Active session, and its events into the outbox, in the caller's transaction. The
   * partial unique indexes (session_one_active_per_vehicle, session_one_active_per_station) are the
   * last word on "one active session per vehicle and per station": a start they refuse is not inserted.
   */
  async insertStarted(manager: EntityManager, started: Session): Promise<boolean> {
    const session = started.toSnapshot();
    const inserted = (await manager.query(
      `INSERT INTO session (id, kind, state, vehicle_id, rider_id, station_id, station_rated_power_w, station_metered,
         station_time_zone, free_capacity_wh, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        session.id,
        session.kind,
        session.state,
        session.vehicleId,
        session.riderId,
        session.charge?.stationId ?? null,
        session.charge?.ratedPowerW ?? null,
        session.charge?.metered ?? null,
        session.charge?.timeZone ?? null,
        session.charge?.freeCapacityWh ?? null,
        session.startedAt,
      ],
    )) as unknown[];
    if (inserted.length === 0) return false;
    await publishSessionEvents(manager, started.pullEvents());
    return true;
  }

  /** The one write a session gets after its start: Active to Finalized, with its totals. */
  async saveFinalized(manager: EntityManager, finalized: Session): Promise<void> {
    const session = finalized.toSnapshot();
    const totals = session.totals;
    if (session.state !== 'FINALIZED' || !totals || !session.endedAt)
      throw new Error(`session ${session.id} is not finalized`);
    const updated = (await manager.query(
      `UPDATE session SET state = 'FINALIZED', ended_at = $2, energy_wh = $3, energy_source = $4, distance_m = $5,
         sample_count = $6, duration_s = $7
       WHERE id = $1 AND state = 'ACTIVE' RETURNING id`,
      [
        session.id,
        session.endedAt,
        totals.energyWh,
        totals.energySource,
        totals.distanceM,
        totals.sampleCount,
        totals.durationS,
      ],
    )) as [unknown[], number];
    if (updated[1] !== 1) throw new Error(`session ${session.id} was not active when finalized`);
    await publishSessionEvents(manager, finalized.pullEvents());
  }

  /** Keeps the first request's time and correlation id; a Finalized session is left as it is. */
  async recordEndRequest(manager: EntityManager, id: string): Promise<void> {
    await manager.query(
      `UPDATE session SET end_requested_at = coalesce(end_requested_at, now()), end_attempted_at = now(),
         end_correlation_id = coalesce(end_correlation_id, $2)
       WHERE id = $1 AND state = 'ACTIVE'`,
      [id, currentCorrelation()?.correlationId ?? null],
    );
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
      `SELECT ${COLUMNS}, ${cursorInstant('started_at')} AS cursor_at FROM session
       ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY started_at DESC, id DESC LIMIT $${values.length}`,
      values,
    )) as (SessionRow & { cursor_at: string })[];
    return rows.map((row) => ({ ...toSnapshot(row), cursorAt: row.cursor_at }));
  }
}
