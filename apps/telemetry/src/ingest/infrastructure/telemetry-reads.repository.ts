import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ListRejectionsRequest, RejectionView, SampleView } from '@chargeflow/contracts';
import { cursorInstant, type Position } from '@chargeflow/runtime';

interface SampleRow {
  telemetry_id: string;
  session_id: string;
  source: 'VEHICLE' | 'STATION';
  device_id: string;
  emitted_at: Date;
  received_at: Date;
  energy_wh: string;
  meter_wh: string | null;
  distance_m: string | null;
  speed_kmh: string | null;
  battery_level_wh: string | null;
  seq: string | null;
}

const number = (value: string | null) => (value === null ? null : Number(value));

export function toSampleView(row: SampleRow): SampleView {
  return {
    telemetryId: row.telemetry_id,
    sessionId: row.session_id,
    vehicleId: row.source === 'VEHICLE' ? row.device_id : null,
    stationId: row.source === 'STATION' ? row.device_id : null,
    emittedAt: row.emitted_at.toISOString(),
    receivedAt: row.received_at.toISOString(),
    energyWh: Number(row.energy_wh),
    meterWh: number(row.meter_wh),
    distanceM: number(row.distance_m),
    speedKmh: number(row.speed_kmh),
    batteryLevelWh: number(row.battery_level_wh),
    seq: number(row.seq),
  };
}

export interface RejectionRow extends Omit<RejectionView, 'receivedAt'> {
  receivedAt: Date;
}

/** Reads of the telemetry database: a session's samples in emission order, and the rejections. */
@Injectable()
export class TelemetryReadsRepository {
  async samples(
    manager: EntityManager,
    sessionId: string,
    after: Position | null,
    limit: number,
  ): Promise<(SampleRow & { cursor_at: string })[]> {
    const values: unknown[] = [sessionId];
    let where = 'session_id = $1';
    if (after) {
      values.push(after.at, after.id);
      where += ' AND (emitted_at, telemetry_id) > ($2, $3)';
    }
    values.push(limit + 1);
    return manager.query(
      `SELECT telemetry_id, session_id, source, device_id, emitted_at, received_at, energy_wh, meter_wh, distance_m, speed_kmh,
         battery_level_wh, seq, ${cursorInstant('emitted_at')} AS cursor_at FROM telemetry_sample WHERE ${where} ORDER BY emitted_at, telemetry_id LIMIT $${values.length}`,
      values,
    );
  }

  async rejections(
    manager: EntityManager,
    filter: ListRejectionsRequest,
    after: Position | null,
    limit: number,
  ): Promise<(RejectionRow & { cursorAt: string })[]> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    const where = (sql: string, value: unknown) => {
      values.push(value);
      conditions.push(sql.replace('?', `$${values.length}`));
    };
    if (filter.sessionId) where('session_id = ?', filter.sessionId);
    if (filter.vehicleId) where('device_id = ?', filter.vehicleId);
    if (filter.reason) where('reason = ?', filter.reason);
    if (filter.from) where('received_at >= ?', new Date(filter.from));
    if (filter.to) where('received_at < ?', new Date(filter.to));
    if (after) {
      values.push(after.at, after.id);
      conditions.push(`(received_at, id) < ($${values.length - 1}, $${values.length})`);
    }
    values.push(limit + 1);
    return manager.query(
      `SELECT id, reason, detail, telemetry_id AS "telemetryId", session_id AS "sessionId", device_id AS "deviceId", payload,
         message_id AS "messageId", received_at AS "receivedAt", ${cursorInstant('received_at')} AS "cursorAt" FROM telemetry_rejection ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY received_at DESC, id DESC LIMIT $${values.length}`,
      values,
    );
  }

  /** Whether a session's sample is stored or refused: one lookup by key, and one among the session's rejections. */
  async takenIn(manager: EntityManager, sessionId: string, telemetryId: string): Promise<boolean> {
    const [row] = (await manager.query(
      `SELECT EXISTS (SELECT 1 FROM telemetry_sample WHERE telemetry_id = $2::text::uuid AND session_id = $1::text::uuid)
           OR EXISTS (SELECT 1 FROM telemetry_rejection WHERE session_id = $1::text AND telemetry_id = $2::text) AS "takenIn"`,
      [sessionId, telemetryId],
    )) as { takenIn: boolean }[];
    return row.takenIn;
  }

  /**
   * Which of these samples of their sessions are stored or refused: v1's two lookups, for all of them
   * in one statement; the samples come back as they were given.
   */
  async takenInAmong(
    manager: EntityManager,
    samples: { sessionId: string; telemetryId: string }[],
  ): Promise<{ sessionId: string; telemetryId: string }[]> {
    if (samples.length === 0) return [];
    const rows = (await manager.query(
      `SELECT t.n::int AS n
         FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(session_id, telemetry_id, n)
        WHERE EXISTS (SELECT 1 FROM telemetry_sample s
                       WHERE s.telemetry_id = t.telemetry_id::uuid AND s.session_id = t.session_id::uuid)
           OR EXISTS (SELECT 1 FROM telemetry_rejection r WHERE r.session_id = t.session_id AND r.telemetry_id = t.telemetry_id)`,
      [samples.map((sample) => sample.sessionId), samples.map((sample) => sample.telemetryId)],
    )) as { n: number }[];
    return rows.map(({ n }) => ({ sessionId: samples[n - 1].sessionId, telemetryId: samples[n - 1].telemetryId }));
  }
}
