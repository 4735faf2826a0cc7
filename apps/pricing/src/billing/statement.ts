import type { StatementView } from '@chargeflow/contracts';
import { Exact, formatMoney } from '../tariff/domain/money';
import type { StoredBilling } from './infrastructure/billing.repository';

/**
 * A rider's statement (seed 004's invoice), derived on request from the billing records: one line
 * per session, totals per currency summed from the records' already rounded totals. Never stored.
 */
export function statementOf(riderId: string, from: string, to: string, records: StoredBilling[]): StatementView {
  const totals = new Map<string, { exclVat: Exact; vat: Exact; inclVat: Exact; sessions: number }>();
  const lines = records.map((stored) => {
    const record = stored.record;
    if (record) {
      const sum = totals.get(record.currency) ?? {
        exclVat: new Exact(0),
        vat: new Exact(0),
        inclVat: new Exact(0),
        sessions: 0,
      };
      totals.set(record.currency, {
        exclVat: sum.exclVat.plus(record.totalExclVat),
        vat: sum.vat.plus(record.totalVat),
        inclVat: sum.inclVat.plus(record.totalInclVat),
        sessions: sum.sessions + 1,
      });
    }
    return {
      sessionId: stored.sessionId,
      kind: stored.session.kind,
      startedAt: stored.session.startedAt,
      status: stored.status,
      currency: record?.currency ?? null,
      totalExclVat: record?.totalExclVat ?? null,
      totalVat: record?.totalVat ?? null,
      totalInclVat: record?.totalInclVat ?? null,
    };
  });
  return {
    riderId,
    from,
    to,
    lines,
    totals: [...totals.entries()]
      .sort(([left], [right]) => left.localeCompare(right))
      .map(([currency, sum]) => ({
        currency,
        totalExclVat: formatMoney(sum.exclVat, currency),
        totalVat: formatMoney(sum.vat, currency),
        totalInclVat: formatMoney(sum.inclVat, currency),
        sessions: sum.sessions,
      })),
    unpriced: lines.filter((line) => line.status === 'UNPRICED').length,
  };
}
