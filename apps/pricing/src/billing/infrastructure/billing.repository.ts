import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  BillingRecordView,
  BillingStatus,
  ListBillingRequest,
  SessionFinalizedV1,
  SessionKind,
} from '@chargeflow/contracts';
import { cursorInstant, type Position } from '@chargeflow/runtime';
import type { BillingRecord } from '../../tariff/domain/tariff-pricing';

export interface StoredBilling {
  sessionId: string;
  status: BillingStatus;
  revision: number;
  reason: string | null;
  session: SessionFinalizedV1;
  tariffId: string | null;
  tariffVersion: number | null;
  record: BillingRecord | null;
  calculatedAt: Date;
  startedAt: Date;
}

const COLUMNS = `session_id AS "sessionId", status, revision, reason, session, tariff_id AS "tariffId", tariff_version AS "tariffVersion", record,
  calculated_at AS "calculatedAt", started_at AS "startedAt"`;

export function toBillingView(stored: StoredBilling): BillingRecordView {
  const { session } = stored;
  return {
    sessionId: stored.sessionId,
    status: stored.status,
    revision: stored.revision,
    reason: stored.reason,
    kind: session.kind,
    riderId: session.riderId,
    vehicleId: session.vehicleId,
    stationId: session.stationId,
    startedAt: session.startedAt,
    endedAt: session.endedAt,
    calculatedAt: stored.calculatedAt.toISOString(),
    billing: stored.record as unknown as Record<string, unknown> | null,
  };
}

/** Billing records in the pricing database: a cache of what the engine derives from the facts. */
@Injectable()
export class BillingRepository {
  async find(manager: EntityManager, sessionId: string): Promise<StoredBilling | null> {
    const [row] = (await manager.query(`SELECT ${COLUMNS} FROM billing_record WHERE session_id = $1`, [
      sessionId,
    ])) as StoredBilling[];
    return row ?? null;
  }

  /**
   * Stores a session's record once; an UNPRICED one may later become PRICED (its revision grows by
   * one), nothing else changes. Resolves the revision written, or null when nothing was.
   */
  async save(
    manager: EntityManager,
    session: SessionFinalizedV1,
    outcome: { record: BillingRecord } | { reason: string },
  ): Promise<number | null> {
    const priced = 'record' in outcome;
    const saved = (await manager.query(
      `INSERT INTO billing_record (session_id, status, reason, kind, rider_id, station_id, started_at, session, tariff_id, tariff_version, record)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (session_id) DO UPDATE SET status = EXCLUDED.status, reason = EXCLUDED.reason, tariff_id = EXCLUDED.tariff_id,
         tariff_version = EXCLUDED.tariff_version, record = EXCLUDED.record, calculated_at = now(),
         revision = billing_record.revision + 1
       WHERE billing_record.status = 'UNPRICED' AND EXCLUDED.status = 'PRICED'
       RETURNING revision`,
      [
        session.sessionId,
        priced ? 'PRICED' : 'UNPRICED',
        priced ? null : outcome.reason,
        session.kind,
        session.riderId,
        session.stationId,
        session.startedAt,
        JSON.stringify(session),
        priced ? outcome.record.tariffId : null,
        priced ? outcome.record.tariffVersion : null,
        priced ? JSON.stringify(outcome.record) : null,
      ],
    )) as { revision: number }[];
    return saved[0]?.revision ?? null;
  }

  async unpriced(manager: EntityManager, kind: SessionKind, stationId: string | null): Promise<SessionFinalizedV1[]> {
    const rows = (await manager.query(
      `SELECT session FROM billing_record WHERE status = 'UNPRICED' AND kind = $1 AND ($2::text IS NULL OR station_id::text = $2) ORDER BY started_at`,
      [kind, stationId],
    )) as { session: SessionFinalizedV1 }[];
    return rows.map((row) => row.session);
  }

  async list(
    manager: EntityManager,
    filter: ListBillingRequest,
    after: Position | null,
    limit: number,
  ): Promise<(StoredBilling & { cursorAt: string })[]> {
    const conditions: string[] = [];
    const values: unknown[] = [];
    const where = (sql: string, value: unknown) => {
      values.push(value);
      conditions.push(sql.replace('?', `$${values.length}`));
    };
    if (filter.status) where('status = ?', filter.status);
    if (filter.kind) where('kind = ?', filter.kind);
    if (filter.riderId) where('rider_id = ?', filter.riderId);
    if (filter.from) where('started_at >= ?', new Date(filter.from));
    if (filter.to) where('started_at < ?', new Date(filter.to));
    if (after) {
      values.push(after.at, after.id);
      conditions.push(`(started_at, session_id) < ($${values.length - 1}, $${values.length})`);
    }
    values.push(limit + 1);
    return manager.query(
      `SELECT ${COLUMNS}, ${cursorInstant('started_at')} AS "cursorAt" FROM billing_record
       ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY started_at DESC, session_id DESC LIMIT $${values.length}`,
      values,
    );
  }

  /** A rider's records of the sessions started in [from, to), oldest first. */
  async ofRider(manager: EntityManager, riderId: string, from: Date, to: Date): Promise<StoredBilling[]> {
    return manager.query(
      `SELECT ${COLUMNS} FROM billing_record WHERE rider_id = $1 AND started_at >= $2 AND started_at < $3 ORDER BY started_at, session_id`,
      [riderId, from, to],
    );
  }

  /** The priced records to verify, in batches, in a stable order. */
  async priced(
    manager: EntityManager,
    range: { from?: string; to?: string },
    after: string | null,
    limit: number,
  ): Promise<StoredBilling[]> {
    return manager.query(
      `SELECT ${COLUMNS} FROM billing_record WHERE status = 'PRICED' AND ($1::timestamptz IS NULL OR started_at >= $1)
         AND ($2::timestamptz IS NULL OR started_at < $2) AND ($3::uuid IS NULL OR session_id > $3)
       ORDER BY session_id LIMIT $4`,
      [range.from ?? null, range.to ?? null, after, limit],
    );
  }
}
