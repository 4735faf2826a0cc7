import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AcceptedSample, LedgerIncrement, LedgerState } from '../domain/admission';
import type { Refusal } from '../domain/sample';

export interface RejectionRecord extends Refusal {
  id: string;
  payload: string;
}

const MAX_STORED_PAYLOAD = 64 * 1024;

/** The writes of one batch, all inside the batch's transaction: samples, ledger totals, rejections. */
@Injectable()
export class IngestRepository {
  /** Existing ledgers, locked in a fixed order so concurrent batches never deadlock. */
  async lockLedgers(manager: EntityManager, sessionIds: string[]): Promise<Map<string, LedgerState>> {
    const rows = (await manager.query(
      `SELECT session_id AS "sessionId", kind, state, vehicle_id AS "vehicleId", station_id AS "stationId", last_meter_wh AS "lastMeterWh"
       FROM session_ledger WHERE session_id = ANY($1::uuid[]) ORDER BY session_id FOR UPDATE`,
      [sessionIds],
    )) as LedgerState[];
    return new Map(rows.map((row) => [row.sessionId, row]));
  }

  async storedHashes(manager: EntityManager, telemetryIds: string[]): Promise<Map<string, string>> {
    const rows = (await manager.query(
      `SELECT telemetry_id, content_hash FROM telemetry_sample WHERE telemetry_id = ANY($1::uuid[])`,
      [telemetryIds],
    )) as { telemetry_id: string; content_hash: string }[];
    return new Map(rows.map((row) => [row.telemetry_id, row.content_hash]));
  }

  /** Inserts the samples not stored yet and resolves how many were new. */
  async insertSamples(manager: EntityManager, samples: AcceptedSample[]): Promise<number> {
    if (samples.length === 0) return 0;
    const column = <T>(pick: (sample: AcceptedSample) => T) => samples.map(pick);
    const [{ inserted }] = (await manager.query(
      `WITH stored AS (INSERT INTO telemetry_sample (telemetry_id, session_id, source, device_id, emitted_at, energy_wh, meter_wh, distance_m,
         speed_kmh, battery_level_wh, seq, content_hash)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::timestamptz[], $6::numeric[], $7::numeric[],
         $8::numeric[], $9::numeric[], $10::numeric[], $11::bigint[], $12::text[])
       ON CONFLICT (telemetry_id) DO NOTHING RETURNING 1)
       SELECT count(*)::int AS inserted FROM stored`,
      [
        column((sample) => sample.telemetryId),
        column((sample) => sample.sessionId),
        column((sample) => sample.source),
        column((sample) => sample.deviceId),
        column((sample) => sample.emittedAt),
        column((sample) => sample.energyWh),
        column((sample) => sample.meterWh),
        column((sample) => sample.distanceM),
        column((sample) => sample.speedKmh),
        column((sample) => sample.batteryLevelWh),
        column((sample) => sample.seq),
        column((sample) => sample.contentHash),
      ],
    )) as { inserted: number }[];
    return inserted;
  }

  async addToLedgers(manager: EntityManager, increments: LedgerIncrement[]): Promise<void> {
    if (increments.length === 0) return;
    await manager.query(
      `UPDATE session_ledger l SET energy_wh = l.energy_wh + d.energy_wh, distance_m = l.distance_m + d.distance_m,
         sample_count = l.sample_count + d.sample_count, last_meter_wh = COALESCE(d.last_meter_wh, l.last_meter_wh)
       FROM unnest($1::uuid[], $2::numeric[], $3::numeric[], $4::int[], $5::numeric[])
         AS d(session_id, energy_wh, distance_m, sample_count, last_meter_wh)
       WHERE l.session_id = d.session_id`,
      [
        increments.map((increment) => increment.sessionId),
        increments.map((increment) => increment.energyWh),
        increments.map((increment) => increment.distanceM),
        increments.map((increment) => increment.sampleCount),
        increments.map((increment) => increment.lastMeterWh),
      ],
    );
  }

  /** Records the rejections not recorded yet (their ids name message and reason) and resolves their ids. */
  async insertRejections(
    manager: EntityManager,
    rejections: RejectionRecord[],
    receivedAt: Date,
  ): Promise<Set<string>> {
    if (rejections.length === 0) return new Set();
    const rows = (await manager.query(
      `INSERT INTO telemetry_rejection (id, reason, detail, telemetry_id, session_id, device_id, payload, received_at)
       SELECT *, $8::timestamptz FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        rejections.map((rejection) => rejection.id),
        rejections.map((rejection) => rejection.reason),
        rejections.map((rejection) => rejection.detail),
        rejections.map((rejection) => rejection.telemetryId),
        rejections.map((rejection) => rejection.sessionId),
        rejections.map((rejection) => rejection.deviceId),
        rejections.map((rejection) => rejection.payload.slice(0, MAX_STORED_PAYLOAD)),
        receivedAt,
      ],
    )) as { id: string }[];
    return new Set(rows.map((row) => row.id));
  }
}
