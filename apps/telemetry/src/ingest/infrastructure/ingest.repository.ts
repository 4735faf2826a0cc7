import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { runPrepared } from '@chargeflow/messaging';
import type { AcceptedSample, LedgerIncrement, LedgerState } from '../domain/admission';
import type { Refusal } from '../domain/sample';

export interface RejectionRecord extends Refusal {
  id: string;
  payload: string;
  messageId: string | null;
}

/** A refused message is kept up to this many characters: enough to read it, bounded for a huge one. */
export const MAX_STORED_PAYLOAD_BYTES = 16 * 1024;

interface LedgerRow {
  session_id: string;
  kind: LedgerState['kind'];
  state: LedgerState['state'];
  vehicle_id: string;
  station_id: string | null;
  metered: boolean;
  started_at: Date;
  energy_wh: string;
  distance_m: string;
  first_meter_seq: string | null;
  first_meter_wh: string | null;
  last_meter_seq: string | null;
  last_meter_wh: string | null;
}

function toLedgerState(row: LedgerRow): LedgerState {
  return {
    sessionId: row.session_id,
    kind: row.kind,
    state: row.state,
    vehicleId: row.vehicle_id,
    stationId: row.station_id,
    metered: row.metered,
    startedAt: row.started_at,
    energyWh: row.energy_wh,
    distanceM: row.distance_m,
    firstMeter:
      row.first_meter_seq === null ? null : { seq: Number(row.first_meter_seq), wh: row.first_meter_wh as string },
    lastMeter:
      row.last_meter_seq === null ? null : { seq: Number(row.last_meter_seq), wh: row.last_meter_wh as string },
  };
}

/** A device message set aside while the sessions service could not describe its session. */
export interface ParkedMessage {
  id: string;
  sessionId: string;
  routingKey: string;
  correlationId: string | null;
  messageId: string | null;
  content: Buffer;
}

/** The writes of one batch, all inside the batch's transaction: samples, ledger totals, rejections. */
@Injectable()
export class IngestRepository {
  /** Existing ledgers, locked in a fixed order so concurrent batches never deadlock. */
  async lockLedgers(manager: EntityManager, sessionIds: string[]): Promise<Map<string, LedgerState>> {
    const rows = (await runPrepared(manager, {
      text: `SELECT session_id, kind, state, vehicle_id, station_id, metered, started_at, energy_wh, distance_m,
         first_meter_seq, first_meter_wh, last_meter_seq, last_meter_wh
       FROM session_ledger WHERE session_id = ANY($1::uuid[]) ORDER BY session_id FOR UPDATE`,
      values: [sessionIds],
    })) as LedgerRow[];
    return new Map(rows.map((row) => [row.session_id, toLedgerState(row)]));
  }

  async storedHashes(manager: EntityManager, telemetryIds: string[]): Promise<Map<string, string>> {
    const rows = (await runPrepared(manager, {
      text: `SELECT telemetry_id, content_hash FROM telemetry_sample WHERE telemetry_id = ANY($1::uuid[])`,
      values: [telemetryIds],
    })) as { telemetry_id: string; content_hash: string }[];
    return new Map(rows.map((row) => [row.telemetry_id, row.content_hash]));
  }

  /** Inserts the samples not stored yet and resolves how many were new. */
  async insertSamples(manager: EntityManager, samples: AcceptedSample[]): Promise<number> {
    if (samples.length === 0) return 0;
    const column = <T>(pick: (sample: AcceptedSample) => T) => samples.map(pick);
    const [{ inserted }] = (await runPrepared(manager, {
      text: `WITH stored AS (INSERT INTO telemetry_sample (telemetry_id, session_id, source, device_id, emitted_at, energy_wh, meter_wh, distance_m,
         speed_kmh, battery_level_wh, seq, content_hash, counted)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::timestamptz[], $6::numeric[], $7::numeric[],
         $8::numeric[], $9::numeric[], $10::numeric[], $11::bigint[], $12::text[], $13::boolean[])
       ON CONFLICT (telemetry_id) DO NOTHING RETURNING 1)
       SELECT count(*)::int AS inserted FROM stored`,
      values: [
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
        column((sample) => sample.counted),
      ],
    })) as { inserted: number }[];
    return inserted;
  }

  async addToLedgers(manager: EntityManager, increments: LedgerIncrement[]): Promise<void> {
    if (increments.length === 0) return;
    await runPrepared(manager, {
      text: `UPDATE session_ledger l SET energy_wh = l.energy_wh + d.energy_wh, distance_m = l.distance_m + d.distance_m,
         sample_count = l.sample_count + d.sample_count,
         first_meter_seq = d.first_meter_seq, first_meter_wh = d.first_meter_wh,
         last_meter_seq = d.last_meter_seq, last_meter_wh = d.last_meter_wh
       FROM unnest($1::uuid[], $2::numeric[], $3::numeric[], $4::int[], $5::bigint[], $6::numeric[], $7::bigint[], $8::numeric[])
         AS d(session_id, energy_wh, distance_m, sample_count, first_meter_seq, first_meter_wh, last_meter_seq, last_meter_wh)
       WHERE l.session_id = d.session_id`,
      values: [
        increments.map((increment) => increment.sessionId),
        increments.map((increment) => increment.energyWh),
        increments.map((increment) => increment.distanceM),
        increments.map((increment) => increment.sampleCount),
        increments.map((increment) => increment.firstMeter?.seq ?? null),
        increments.map((increment) => increment.firstMeter?.wh ?? null),
        increments.map((increment) => increment.lastMeter?.seq ?? null),
        increments.map((increment) => increment.lastMeter?.wh ?? null),
      ],
    });
  }

  /** Sets messages aside, once each however often they are parked. */
  async park(manager: EntityManager, messages: ParkedMessage[]): Promise<void> {
    if (messages.length === 0) return;
    await manager.query(
      `INSERT INTO parked_sample (id, session_id, routing_key, correlation_id, content, message_id)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::bytea[], $6::text[]) ON CONFLICT (id) DO NOTHING`,
      [
        messages.map((message) => message.id),
        messages.map((message) => message.sessionId),
        messages.map((message) => message.routingKey),
        messages.map((message) => message.correlationId),
        messages.map((message) => message.content),
        messages.map((message) => message.messageId),
      ],
    );
  }

  async unpark(manager: EntityManager, ids: string[]): Promise<void> {
    if (ids.length > 0) await manager.query(`DELETE FROM parked_sample WHERE id = ANY($1::uuid[])`, [ids]);
  }

  /** The oldest parked messages, for another try. */
  parked(manager: EntityManager, limit: number): Promise<ParkedMessage[]> {
    return this.parkedWhere(manager, '', [limit]);
  }

  /** The oldest parked messages of one session, for its seal to judge them. */
  parkedOf(manager: EntityManager, sessionId: string, limit: number): Promise<ParkedMessage[]> {
    return this.parkedWhere(manager, 'WHERE session_id = $2', [limit, sessionId]);
  }

  private async parkedWhere(manager: EntityManager, where: string, values: unknown[]): Promise<ParkedMessage[]> {
    const rows = (await manager.query(
      `SELECT id, session_id, routing_key, correlation_id, message_id, content FROM parked_sample
        ${where} ORDER BY parked_at, id LIMIT $1`,
      values,
    )) as {
      id: string;
      session_id: string;
      routing_key: string;
      correlation_id: string | null;
      message_id: string | null;
      content: Buffer;
    }[];
    return rows.map((row) => ({
      id: row.id,
      sessionId: row.session_id,
      routingKey: row.routing_key,
      correlationId: row.correlation_id,
      messageId: row.message_id,
      content: row.content,
    }));
  }

  /** Records the rejections not recorded yet (their ids name message and reason) and resolves their ids. */
  async insertRejections(
    manager: EntityManager,
    rejections: RejectionRecord[],
    receivedAt: Date,
  ): Promise<Set<string>> {
    if (rejections.length === 0) return new Set();
    const rows = (await manager.query(
      `INSERT INTO telemetry_rejection (id, reason, detail, telemetry_id, session_id, device_id, payload, message_id, received_at)
       SELECT *, $9::timestamptz FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [
        rejections.map((rejection) => rejection.id),
        rejections.map((rejection) => rejection.reason),
        rejections.map((rejection) => rejection.detail),
        rejections.map((rejection) => rejection.telemetryId),
        rejections.map((rejection) => rejection.sessionId),
        rejections.map((rejection) => rejection.deviceId),
        rejections.map((rejection) => rejection.payload),
        rejections.map((rejection) => rejection.messageId),
        receivedAt,
      ],
    )) as { id: string }[];
    return new Set(rows.map((row) => row.id));
  }
}
