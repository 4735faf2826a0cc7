import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { BillingRecordView, BillingStatus, ListBillingRequest, SessionFinalizedV1 } from '@chargeflow/contracts';
import { cursorInstant, type Position } from '@chargeflow/runtime';
import { Exact, formatMoney } from '../../tariff/domain/money';
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
  /** The zone the record's restrictions were read in; null only on an UNPRICED record. */
  timeZone: string | null;
  calculatedAt: Date;
  startedAt: Date;
}

const COLUMNS = `session_id AS "sessionId", status, revision, reason, session, tariff_id AS "tariffId", tariff_version AS "tariffVersion", record,
  time_zone AS "timeZone", calculated_at AS "calculatedAt", started_at AS "startedAt"`;

/** An UNPRICED record some tariff version now applies to: the same rule as TariffRepository.applicable. */
const A_TARIFF_APPLIES = `EXISTS (SELECT 1 FROM tariff t JOIN tariff_version v ON v.tariff_id = t.id
  WHERE t.applies_kind = b.kind AND (t.applies_station_id IS NULL OR t.applies_station_id = b.station_id::text)
    AND v.effective_from <= b.started_at)`;

export interface StatementTotals {
  totals: { currency: string; totalExclVat: string; totalVat: string; totalInclVat: string; sessions: number }[];
  unpriced: number;
}

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
    outcome: { record: BillingRecord; timeZone: string } | { reason: string },
  ): Promise<number | null> {
    const priced = 'record' in outcome;
    const saved = (await manager.query(
      `INSERT INTO billing_record (session_id, status, reason, kind, rider_id, station_id, started_at, session, tariff_id, tariff_version, record, time_zone)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (session_id) DO UPDATE SET status = EXCLUDED.status, reason = EXCLUDED.reason, tariff_id = EXCLUDED.tariff_id,
         tariff_version = EXCLUDED.tariff_version, record = EXCLUDED.record, time_zone = EXCLUDED.time_zone, calculated_at = now(),
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
        priced ? outcome.timeZone : null,
      ],
    )) as { revision: number }[];
    return saved[0]?.revision ?? null;
  }

  /**
   * At most `limit` UNPRICED sessions that a tariff now applies to, the longest untouched first, so one
   * that keeps failing to price cannot hold back the others (see markUnpriceable).
   */
  async sweepable(manager: EntityManager, limit: number): Promise<SessionFinalizedV1[]> {
    const rows = (await manager.query(
      `SELECT session FROM billing_record b WHERE status = 'UNPRICED' AND ${A_TARIFF_APPLIES} ORDER BY calculated_at, session_id LIMIT $1`,
      [limit],
    )) as { session: SessionFinalizedV1 }[];
    return rows.map((row) => row.session);
  }

  /** Says why an UNPRICED session could not be priced, and sends it to the back of the sweep. */
  async markUnpriceable(manager: EntityManager, sessionId: string, reason: string): Promise<void> {
    await manager.query(
      `UPDATE billing_record SET reason = $2, calculated_at = now() WHERE session_id = $1 AND status = 'UNPRICED'`,
      [sessionId, reason],
    );
  }

  /**
   * Records priced before the time zone was stored get the zone that priced them: the station's for a
   * charge that had one, else the operator's (the setting at the upgrade, as when they were priced).
   * Resolves how many were updated, at most `limit`.
   */
  async recordLegacyTimeZones(manager: EntityManager, operatorTimeZone: string, limit: number): Promise<number> {
    const updated = (await manager.query(
      `UPDATE billing_record SET time_zone = COALESCE(CASE WHEN kind = 'CHARGING' THEN session->>'stationTimeZone' END, $1)
       WHERE session_id IN (SELECT session_id FROM billing_record WHERE status = 'PRICED' AND time_zone IS NULL LIMIT $2)
       RETURNING session_id`,
      [operatorTimeZone, limit],
    )) as [unknown[], number];
    return updated[1];
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

  /** One page of a rider's records of the sessions started in [from, to), oldest first. */
  async ofRider(
    manager: EntityManager,
    riderId: string,
    period: { from: Date; to: Date },
    after: Position | null,
    limit: number,
  ): Promise<(StoredBilling & { cursorAt: string })[]> {
    return manager.query(
      `SELECT ${COLUMNS}, ${cursorInstant('started_at')} AS "cursorAt" FROM billing_record
        WHERE rider_id = $1 AND started_at >= $2 AND started_at < $3
         AND ($4::timestamptz IS NULL OR (started_at, session_id) > ($4, $5::uuid))
       ORDER BY started_at, session_id LIMIT $6`,
      [riderId, period.from, period.to, after?.at ?? null, after?.id ?? null, limit + 1],
    );
  }

  /** A rider's totals over [from, to) per currency, summed in the database from the records' rounded totals. */
  async riderTotals(
    manager: EntityManager,
    riderId: string,
    period: { from: Date; to: Date },
  ): Promise<StatementTotals> {
    const rows = (await manager.query(
      `SELECT record->>'currency' AS currency, sum((record->>'totalExclVat')::numeric)::text AS "exclVat",
         sum((record->>'totalVat')::numeric)::text AS vat, sum((record->>'totalInclVat')::numeric)::text AS "inclVat",
         count(*)::int AS sessions
       FROM billing_record WHERE rider_id = $1 AND started_at >= $2 AND started_at < $3
       GROUP BY record->>'currency' ORDER BY record->>'currency'`,
      [riderId, period.from, period.to],
    )) as { currency: string | null; exclVat: string; vat: string; inclVat: string; sessions: number }[];
    return {
      totals: rows
        .filter((row) => row.currency !== null)
        .map((row) => ({
          currency: row.currency as string,
          totalExclVat: formatMoney(new Exact(row.exclVat), row.currency as string),
          totalVat: formatMoney(new Exact(row.vat), row.currency as string),
          totalInclVat: formatMoney(new Exact(row.inclVat), row.currency as string),
          sessions: row.sessions,
        })),
      unpriced: rows.find((row) => row.currency === null)?.sessions ?? 0,
    };
  }

  /** How many priced records a verification of [from, to) will check. */
  async countPriced(manager: EntityManager, range: { from?: string; to?: string }): Promise<number> {
    const [row] = (await manager.query(
      `SELECT count(*)::int AS total FROM billing_record WHERE status = 'PRICED' AND ($1::timestamptz IS NULL OR started_at >= $1)
         AND ($2::timestamptz IS NULL OR started_at < $2)`,
      [range.from ?? null, range.to ?? null],
    )) as { total: number }[];
    return row.total;
  }

  /**
   * The priced records to verify, a page at a time, by start then session id, on the index that serves
   * that order: a page reads its own rows only, so its cost does not grow with the table or the range.
   */
  async priced(
    manager: Pick<EntityManager, 'query'>,
    range: { from?: string; to?: string },
    after: Position | null,
    limit: number,
  ): Promise<(StoredBilling & { cursorAt: string })[]> {
    const conditions = [`status = 'PRICED'`];
    const values: unknown[] = [];
    const add = (sql: (...placeholders: string[]) => string, ...added: unknown[]) => {
      const placeholders = added.map((value) => `$${values.push(value)}`);
      conditions.push(sql(...placeholders));
    };
    if (range.from) add((from) => `started_at >= ${from}`, range.from);
    if (range.to) add((to) => `started_at < ${to}`, range.to);
    if (after) add((at, id) => `(started_at, session_id) > (${at}::timestamptz, ${id}::uuid)`, after.at, after.id);
    values.push(limit);
    return manager.query(
      `SELECT ${COLUMNS}, ${cursorInstant('started_at')} AS "cursorAt" FROM billing_record WHERE ${conditions.join(' AND ')}
       ORDER BY started_at, session_id LIMIT $${values.length}`,
      values,
    );
  }
}
