import type { Page, StatementView } from '@chargeflow/contracts';
import type { StatementTotals, StoredBilling } from './infrastructure/billing.repository';

/**
 * A rider's statement (seed 004's invoice), derived on request from the billing records: one page of
 * lines, one per session, and the totals per currency over the whole period, summed from the records'
 * already rounded totals. Never stored.
 */
export function statementOf(
  request: { riderId: string; from: string; to: string },
  page: Page<StoredBilling>,
  totals: StatementTotals,
): StatementView {
  return {
    riderId: request.riderId,
    from: request.from,
    to: request.to,
    lines: page.items.map((stored) => ({
      sessionId: stored.sessionId,
      kind: stored.session.kind,
      startedAt: stored.session.startedAt,
      status: stored.status,
      currency: stored.record?.currency ?? null,
      totalExclVat: stored.record?.totalExclVat ?? null,
      totalVat: stored.record?.totalVat ?? null,
      totalInclVat: stored.record?.totalInclVat ?? null,
    })),
    totals: totals.totals,
    unpriced: totals.unpriced,
    nextCursor: page.nextCursor,
  };
}
