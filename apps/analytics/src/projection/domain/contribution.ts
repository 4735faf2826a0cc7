import Decimal from 'decimal.js';
import type { BillingStatus, DecimalString, SessionKind } from '@chargeflow/contracts';

export const RollupLevels = ['15M', 'HOUR', 'DAY', 'MONTH'] as const;
export type RollupLevel = (typeof RollupLevels)[number];

export type RollupDim = 'ALL' | 'VEHICLE' | 'STATION' | 'RIDER';

/** The dim_id of the ALL dimension. */
export const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** A finalized session as the projection keeps it (session_fact). */
export interface SessionFact {
  sessionId: string;
  kind: SessionKind;
  vehicleId: string;
  riderId: string | null;
  stationId: string | null;
  endedAt: Date;
  durationS: number;
  energyWh: DecimalString;
  distanceM: DecimalString;
}

/** The newest billing of a session (billing_fact); the totals are null while UNPRICED. */
export interface BillingFact {
  revision: number;
  status: BillingStatus;
  currency: string | null;
  totalExclVat: DecimalString | null;
  totalVat: DecimalString | null;
  totalInclVat: DecimalString | null;
}

interface RollupKey {
  level: RollupLevel;
  dim: RollupDim;
  dimId: string;
  kind: SessionKind;
  bucket: Date;
}

export interface RollupDelta extends RollupKey {
  sessions: number;
  priced: number;
  energyWh: Decimal;
  distanceM: Decimal;
  durationS: number;
}

export interface RevenueDelta extends RollupKey {
  currency: string;
  sessions: number;
  exclVat: Decimal;
  vat: Decimal;
  inclVat: Decimal;
}

/** What to add to the rollup and revenue_rollup rows; a negative figure takes a contribution back. */
export interface Contribution {
  rollups: RollupDelta[];
  revenue: RevenueDelta[];
}

const QUARTER_HOUR_MS = 15 * 60_000;
const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

/** The UTC start of the bucket of `level` that contains `at`. */
export function bucketOf(level: RollupLevel, at: Date): Date {
  const ms = at.getTime();
  switch (level) {
    case '15M':
      return new Date(ms - mod(ms, QUARTER_HOUR_MS));
    case 'HOUR':
      return new Date(ms - mod(ms, HOUR_MS));
    case 'DAY':
      return new Date(ms - mod(ms, DAY_MS));
    case 'MONTH':
      return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  }
}

/** A remainder that stays positive before 1970 too. */
function mod(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}

/** The dimensions a session counts in: all, its vehicle, its station (charges) and its rider (when it names one). */
export function dimensionsOf(session: SessionFact): { dim: RollupDim; dimId: string }[] {
  const dims: { dim: RollupDim; dimId: string }[] = [
    { dim: 'ALL', dimId: NIL_UUID },
    { dim: 'VEHICLE', dimId: session.vehicleId },
  ];
  if (session.kind === 'CHARGING' && session.stationId) dims.push({ dim: 'STATION', dimId: session.stationId });
  if (session.riderId) dims.push({ dim: 'RIDER', dimId: session.riderId });
  return dims;
}

/**
 * What one finalized session adds to every rollup it belongs to, given its newest billing (null when
 * none has arrived): the session counts once in the bucket of each level that contains its endedAt,
 * and adds `priced` and revenue only when its billing is PRICED.
 */
export function contributionOf(session: SessionFact, billing: BillingFact | null): Contribution {
  const priced = billing?.status === 'PRICED';
  const rollups: RollupDelta[] = [];
  const revenue: RevenueDelta[] = [];
  for (const level of RollupLevels) {
    const bucket = bucketOf(level, session.endedAt);
    for (const { dim, dimId } of dimensionsOf(session)) {
      const key = { level, dim, dimId, kind: session.kind, bucket };
      rollups.push({
        ...key,
        sessions: 1,
        priced: priced ? 1 : 0,
        energyWh: new Decimal(session.energyWh),
        distanceM: new Decimal(session.distanceM),
        durationS: session.durationS,
      });
      if (priced)
        revenue.push({
          ...key,
          currency: pricedField(billing.currency, 'currency'),
          sessions: 1,
          exclVat: new Decimal(pricedField(billing.totalExclVat, 'totalExclVat')),
          vat: new Decimal(pricedField(billing.totalVat, 'totalVat')),
          inclVat: new Decimal(pricedField(billing.totalInclVat, 'totalInclVat')),
        });
    }
  }
  return { rollups, revenue };
}

function pricedField<T>(value: T | null, name: string): T {
  if (value === null) throw new Error(`a PRICED billing has no ${name}`);
  return value;
}

/**
 * The change when a session's billing is replaced by a newer revision: its old contribution taken
 * back and the new one added, merged per row; rows whose change is zero everywhere are left out.
 */
export function replacementOf(session: SessionFact, before: BillingFact | null, after: BillingFact): Contribution {
  return merged([negated(contributionOf(session, before)), contributionOf(session, after)]);
}

function negated({ rollups, revenue }: Contribution): Contribution {
  return {
    rollups: rollups.map((row) => ({
      ...row,
      sessions: -row.sessions,
      priced: -row.priced,
      energyWh: row.energyWh.neg(),
      distanceM: row.distanceM.neg(),
      durationS: -row.durationS,
    })),
    revenue: revenue.map((row) => ({
      ...row,
      sessions: -row.sessions,
      exclVat: row.exclVat.neg(),
      vat: row.vat.neg(),
      inclVat: row.inclVat.neg(),
    })),
  };
}

/**
 * Sums contributions per row key (one statement may not touch a row twice) and drops all-zero rows.
 * Rows come in key order, so writers adding to the same rows lock them in one order and never deadlock.
 */
export function merged(contributions: Contribution[]): Contribution {
  const rollups = new Map<string, RollupDelta>();
  const revenue = new Map<string, RevenueDelta>();
  for (const contribution of contributions) {
    for (const row of contribution.rollups) {
      const key = keyOf(row);
      const seen = rollups.get(key);
      rollups.set(
        key,
        seen
          ? {
              ...seen,
              sessions: seen.sessions + row.sessions,
              priced: seen.priced + row.priced,
              energyWh: seen.energyWh.add(row.energyWh),
              distanceM: seen.distanceM.add(row.distanceM),
              durationS: seen.durationS + row.durationS,
            }
          : row,
      );
    }
    for (const row of contribution.revenue) {
      const key = `${keyOf(row)}|${row.currency}`;
      const seen = revenue.get(key);
      revenue.set(
        key,
        seen
          ? {
              ...seen,
              sessions: seen.sessions + row.sessions,
              exclVat: seen.exclVat.add(row.exclVat),
              vat: seen.vat.add(row.vat),
              inclVat: seen.inclVat.add(row.inclVat),
            }
          : row,
      );
    }
  }
  return {
    rollups: inKeyOrder(rollups).filter(
      (row) =>
        row.sessions !== 0 ||
        row.priced !== 0 ||
        !row.energyWh.isZero() ||
        !row.distanceM.isZero() ||
        row.durationS !== 0,
    ),
    revenue: inKeyOrder(revenue).filter(
      (row) => row.sessions !== 0 || !row.exclVat.isZero() || !row.vat.isZero() || !row.inclVat.isZero(),
    ),
  };
}

function inKeyOrder<T>(rows: Map<string, T>): T[] {
  return [...rows.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, row]) => row);
}

function keyOf(row: RollupKey): string {
  return `${row.level}|${row.dim}|${row.dimId}|${row.kind}|${row.bucket.toISOString()}`;
}

/** A fact an event brings: a finalized session, or a billing of one. Ids in lower case, as PostgreSQL gives them back. */
export type ArrivingFact<S extends SessionFact, B extends BillingFact> =
  { session: S & { sessionId: string } } | { billing: B & { sessionId: string } };

/** What a batch of facts changes: the sessions to insert, the billings to store, and the rollups' contribution. */
export interface BatchEffects<S extends SessionFact, B extends BillingFact> {
  inserted: S[];
  /** Every billing that replaces the one kept before it; the newest revision of a session is the one stored. */
  stored: B[];
  contribution: Contribution;
}

/**
 * Applies a batch's facts, in their order, to the sessions and billings known before it (by session
 * id), the same rules as one event at a time: a session is inserted once and counts with the billing it
 * has by then; a billing replaces the kept one only with a higher revision, and when its session is
 * known its contribution replaces the old one's. The known maps are updated as the facts are applied.
 */
export function batchEffects<
  S extends SessionFact & { sessionId: string },
  B extends BillingFact & { sessionId: string },
>(facts: ArrivingFact<S, B>[], sessions: Map<string, S>, billings: Map<string, B>): BatchEffects<S, B> {
  const inserted: S[] = [];
  const stored: B[] = [];
  const contributions: Contribution[] = [];
  for (const fact of facts) {
    if ('session' in fact) {
      const { session } = fact;
      if (sessions.has(session.sessionId)) continue;
      sessions.set(session.sessionId, session);
      inserted.push(session);
      contributions.push(contributionOf(session, billings.get(session.sessionId) ?? null));
      continue;
    }
    const { billing } = fact;
    const before = billings.get(billing.sessionId) ?? null;
    if (before && before.revision >= billing.revision) continue;
    billings.set(billing.sessionId, billing);
    stored.push(billing);
    const session = sessions.get(billing.sessionId);
    if (session) contributions.push(replacementOf(session, before, billing));
  }
  return { inserted, stored, contribution: merged(contributions) };
}
