import { Injectable } from '@nestjs/common';
import type { AnalyticsSessionRow, AnalyticsSessionsRequest, Page } from '@chargeflow/contracts';
import { decodeCursor, pageSize, toPage } from '@chargeflow/runtime';
import { exactDecimal, exactMoney } from '../domain/figures';
import { sessionsScopeOf } from '../domain/query-scope';
import { ProjectionReader } from '../infrastructure/projection-reader';
import { SessionFactsQuery, type SessionFactRow } from '../infrastructure/session-facts.query';

/** A page of the export: finalized sessions with their newest billing, oldest end first. */
@Injectable()
export class SessionsPageHandler {
  constructor(
    private readonly reader: ProjectionReader,
    private readonly sessions: SessionFactsQuery,
  ) {}

  async execute(request: AnalyticsSessionsRequest): Promise<Page<AnalyticsSessionRow>> {
    const scope = sessionsScopeOf(request);
    const after = decodeCursor(request.cursor);
    const limit = pageSize(request.limit);
    const rows = await this.reader.read((manager) => this.sessions.sessionsPage(manager, scope, after, limit));
    return toPage(rows, limit, (row) => ({ at: row.cursor_at, id: row.session_id }), sessionRowOf);
  }
}

function sessionRowOf(row: SessionFactRow): AnalyticsSessionRow {
  const money = (amount: string | null) => (amount === null ? null : exactMoney(amount));
  return {
    sessionId: row.session_id,
    kind: row.kind,
    vehicleId: row.vehicle_id,
    riderId: row.rider_id,
    stationId: row.station_id,
    startedAt: row.started_at.toISOString(),
    endedAt: row.ended_at.toISOString(),
    durationS: Number(row.duration_s),
    energyWh: exactDecimal(row.energy_wh),
    distanceM: exactDecimal(row.distance_m),
    billingStatus: row.status,
    billingRevision: row.revision,
    currency: row.currency,
    totalExclVat: money(row.total_excl_vat),
    totalVat: money(row.total_vat),
    totalInclVat: money(row.total_incl_vat),
  };
}
