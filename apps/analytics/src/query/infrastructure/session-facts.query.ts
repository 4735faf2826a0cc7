import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AnalyticsMetric, SessionKind } from '@chargeflow/contracts';
import { cursorInstant, type Position } from '@chargeflow/runtime';
import type { QueryScope } from '../domain/query-scope';
import { SqlParameters, sessionConditions } from './sql-parameters';

/** Which sessions a metric sums and what each adds, over session_fact `s` and billing_fact `b`. */
function explained(metric: AnalyticsMetric, currency: () => string): { condition: string; value: string } {
  switch (metric) {
    case 'rides':
      return { condition: `s.kind = 'RIDE'`, value: '1' };
    case 'charges':
      return { condition: `s.kind = 'CHARGING'`, value: '1' };
    case 'energyConsumedWh':
      return { condition: `s.kind = 'RIDE'`, value: 's.energy_wh' };
    case 'energyChargedWh':
      return { condition: `s.kind = 'CHARGING'`, value: 's.energy_wh' };
    case 'distanceM':
      return { condition: 'TRUE', value: 's.distance_m' };
    case 'durationS':
      return { condition: 'TRUE', value: 's.duration_s' };
    case 'pricedSessions':
      return { condition: `b.status = 'PRICED'`, value: '1' };
    case 'unpricedSessions':
      return { condition: `b.status IS DISTINCT FROM 'PRICED'`, value: '1' };
    case 'revenueExclVat':
      return { condition: `b.status = 'PRICED' AND b.currency = ${currency()}`, value: 'b.total_excl_vat' };
    case 'vat':
      return { condition: `b.status = 'PRICED' AND b.currency = ${currency()}`, value: 'b.total_vat' };
    case 'revenueInclVat':
      return { condition: `b.status = 'PRICED' AND b.currency = ${currency()}`, value: 'b.total_incl_vat' };
  }
}

export interface ExplainedSessionRow {
  session_id: string;
  kind: SessionKind;
  ended_at: Date;
  value: string;
  cursor_at: string;
}

export interface SessionFactRow {
  session_id: string;
  kind: SessionKind;
  vehicle_id: string;
  rider_id: string | null;
  station_id: string | null;
  started_at: Date;
  ended_at: Date;
  duration_s: string;
  energy_wh: string;
  distance_m: string;
  status: 'PRICED' | 'UNPRICED' | null;
  cursor_at: string;
  revision: number | null;
  currency: string | null;
  total_excl_vat: string | null;
  total_vat: string | null;
  total_incl_vat: string | null;
}

/** Pages of a scope's sessions joined with their newest billing, by (ended_at, session_id), oldest first. */
@Injectable()
export class SessionFactsQuery {
  /** The sessions a metric sums over the scope, each with what it adds; `limit + 1` rows at most. */
  explainedPage(
    manager: EntityManager,
    scope: QueryScope,
    metric: AnalyticsMetric,
    currency: string | null,
    after: Position | null,
    limit: number,
  ): Promise<ExplainedSessionRow[]> {
    const parameters = new SqlParameters();
    const { condition, value } = explained(metric, () => parameters.add(currency));
    return this.page(
      manager,
      scope,
      after,
      limit,
      parameters,
      `s.session_id, s.kind, s.ended_at, (${value})::text AS value`,
      [condition],
    );
  }

  /** The scope's sessions with their billing; `limit + 1` rows at most. */
  sessionsPage(
    manager: EntityManager,
    scope: QueryScope,
    after: Position | null,
    limit: number,
  ): Promise<SessionFactRow[]> {
    return this.page(
      manager,
      scope,
      after,
      limit,
      new SqlParameters(),
      `s.session_id, s.kind, s.vehicle_id, s.rider_id, s.station_id, s.started_at, s.ended_at, s.duration_s::text,
       s.energy_wh::text, s.distance_m::text, b.status, b.revision, b.currency, b.total_excl_vat::text,
       b.total_vat::text, b.total_incl_vat::text`,
      [],
    );
  }

  private async page<R>(
    manager: EntityManager,
    scope: QueryScope,
    after: Position | null,
    limit: number,
    parameters: SqlParameters,
    columns: string,
    conditions: string[],
  ): Promise<R[]> {
    const where = [
      `s.ended_at >= ${parameters.add(new Date(scope.span.start).toISOString())}::timestamptz`,
      `s.ended_at < ${parameters.add(new Date(scope.span.end).toISOString())}::timestamptz`,
      ...sessionConditions(scope, parameters),
      ...conditions,
      ...(after
        ? [`(s.ended_at, s.session_id) > (${parameters.add(after.at)}::timestamptz, ${parameters.add(after.id)}::uuid)`]
        : []),
    ];
    return (await manager.query(
      `SELECT ${columns}, ${cursorInstant('s.ended_at')} AS cursor_at
         FROM projection.session_fact s
         LEFT JOIN projection.billing_fact b ON b.session_id = s.session_id
        WHERE ${where.join(' AND ')}
        ORDER BY s.ended_at, s.session_id
        LIMIT ${parameters.add(limit + 1)}`,
      parameters.values,
    )) as R[];
  }
}
