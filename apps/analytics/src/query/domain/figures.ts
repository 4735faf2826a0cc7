import Decimal from 'decimal.js';
import type {
  AnalyticsMetric,
  AnalyticsSummary,
  AnalyticsValue,
  DecimalString,
  RevenueFigures,
  SessionKind,
} from '@chargeflow/contracts';

/** Exact arithmetic for sums and averages, independent of the global Decimal settings. */
const Exact = Decimal.clone({ precision: 60, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -60, toExpPos: 60 });
type Exact = Decimal;

const AVERAGE_DECIMALS = 3;
const MONEY_DECIMALS = 2;

/** What rollups (or the sessions of a partial edge) sum to for one kind of session. */
export interface KindFigures {
  sessions: number;
  priced: number;
  energyWh: Exact;
  distanceM: Exact;
  durationS: Exact;
}

export interface CurrencyFigures {
  sessions: number;
  exclVat: Exact;
  vat: Exact;
  inclVat: Exact;
}

/** The sums of a set of finalized sessions: per kind, and the revenue of the priced ones per currency. */
export interface Figures {
  byKind: Record<SessionKind, KindFigures>;
  revenue: Map<string, CurrencyFigures>;
}

/** A row of sums as the database hands it: counts and decimals as strings. */
export interface KindFiguresRow {
  kind: SessionKind;
  sessions: string;
  priced: string;
  energyWh: string;
  distanceM: string;
  durationS: string;
}

export interface RevenueFiguresRow {
  currency: string;
  sessions: string;
  exclVat: string;
  vat: string;
  inclVat: string;
}

/** Decimals are immutable, so one zero serves every empty figure. */
const ZERO = new Exact(0);

const noKindFigures = (): KindFigures => ({ sessions: 0, priced: 0, energyWh: ZERO, distanceM: ZERO, durationS: ZERO });

export function noFigures(): Figures {
  return { byKind: { RIDE: noKindFigures(), CHARGING: noKindFigures() }, revenue: new Map() };
}

/** A sum plus a value; most figures get one row, which then needs no addition. */
const plus = (sum: Exact, value: string): Exact => (sum === ZERO ? new Exact(value) : sum.plus(value));

export function addKindFigures(figures: Figures, row: KindFiguresRow): void {
  const into = figures.byKind[row.kind];
  into.sessions += Number(row.sessions);
  into.priced += Number(row.priced);
  into.energyWh = plus(into.energyWh, row.energyWh);
  into.distanceM = plus(into.distanceM, row.distanceM);
  into.durationS = plus(into.durationS, row.durationS);
}

export function addRevenueFigures(figures: Figures, row: RevenueFiguresRow): void {
  const into = figures.revenue.get(row.currency) ?? { sessions: 0, exclVat: ZERO, vat: ZERO, inclVat: ZERO };
  figures.revenue.set(row.currency, {
    sessions: into.sessions + Number(row.sessions),
    exclVat: plus(into.exclVat, row.exclVat),
    vat: plus(into.vat, row.vat),
    inclVat: plus(into.inclVat, row.inclVat),
  });
}

/** The exact sum of decimal strings. */
export function exactSumOf(values: string[]): Decimal {
  return values.reduce((sum: Exact, value) => plus(sum, value), ZERO);
}

/** A sum exactly as summed, without exponent notation: "1200.5", "0". */
export function exactDecimal(value: Decimal.Value): DecimalString {
  return new Exact(value).toFixed();
}

/** A sum of money exactly as summed, with at least the two decimals of a price: "12.50", "0.125". */
export function exactMoney(value: Decimal.Value): DecimalString {
  const amount = new Exact(value);
  return amount.toFixed(Math.max(MONEY_DECIMALS, amount.decimalPlaces()));
}

/** The energy a group is ranked by: consumed by rides plus charged. */
function energyOf(figures: Figures): Exact {
  return figures.byKind.RIDE.energyWh.plus(figures.byKind.CHARGING.energyWh);
}

function averageOf(total: Exact, count: number, decimals: number): Exact | null {
  return count === 0 ? null : total.dividedBy(count).toDecimalPlaces(decimals, Decimal.ROUND_HALF_EVEN);
}

/**
 * The summary of [from, to). Averages: energy per ride and per charge, duration and distance per
 * session, revenue (incl. VAT) per priced session of its currency; 3 decimals half to even, money 2,
 * durations whole seconds, null when there is nothing to average.
 */
export function summaryOf(from: string, to: string, figures: Figures): AnalyticsSummary {
  const { RIDE: rides, CHARGING: charges } = figures.byKind;
  const sessions = rides.sessions + charges.sessions;
  const distanceM = rides.distanceM.plus(charges.distanceM);
  const durationS = rides.durationS.plus(charges.durationS);
  const currencies = [...figures.revenue.keys()].sort();
  const revenue: RevenueFigures[] = currencies.map((currency) => {
    const money = figures.revenue.get(currency) as CurrencyFigures;
    return {
      currency,
      exclVat: exactMoney(money.exclVat),
      vat: exactMoney(money.vat),
      inclVat: exactMoney(money.inclVat),
    };
  });
  const average = (total: Exact, count: number) =>
    averageOf(total, count, AVERAGE_DECIMALS)?.toFixed(AVERAGE_DECIMALS) ?? null;
  const averageDuration = averageOf(durationS, sessions, 0);
  return {
    from,
    to,
    rides: rides.sessions,
    charges: charges.sessions,
    energyConsumedWh: exactDecimal(rides.energyWh),
    energyChargedWh: exactDecimal(charges.energyWh),
    distanceM: exactDecimal(distanceM),
    durationS: durationS.toNumber(),
    pricedSessions: rides.priced + charges.priced,
    unpricedSessions: sessions - rides.priced - charges.priced,
    revenue,
    averages: {
      energyPerRideWh: average(rides.energyWh, rides.sessions),
      energyPerChargeWh: average(charges.energyWh, charges.sessions),
      durationS: averageDuration === null ? null : averageDuration.toNumber(),
      distanceM: average(distanceM, sessions),
      revenuePerSession: currencies.flatMap((currency) => {
        const money = figures.revenue.get(currency) as CurrencyFigures;
        const perSession = averageOf(money.inclVat, money.sessions, MONEY_DECIMALS);
        return perSession ? [{ currency, inclVat: perSession.toFixed(MONEY_DECIMALS) }] : [];
      }),
    },
  };
}

/** One metric of the figures, as summary reports it (revenue metrics in `currency`). */
export function metricOf(figures: Figures, metric: AnalyticsMetric, currency: string | null): AnalyticsValue {
  const { RIDE: rides, CHARGING: charges } = figures.byKind;
  const money = currency === null ? undefined : figures.revenue.get(currency);
  switch (metric) {
    case 'rides':
      return rides.sessions;
    case 'charges':
      return charges.sessions;
    case 'energyConsumedWh':
      return exactDecimal(rides.energyWh);
    case 'energyChargedWh':
      return exactDecimal(charges.energyWh);
    case 'distanceM':
      return exactDecimal(rides.distanceM.plus(charges.distanceM));
    case 'durationS':
      return rides.durationS.plus(charges.durationS).toNumber();
    case 'pricedSessions':
      return rides.priced + charges.priced;
    case 'unpricedSessions':
      return rides.sessions + charges.sessions - rides.priced - charges.priced;
    case 'revenueExclVat':
      return exactMoney(money?.exclVat ?? 0);
    case 'vat':
      return exactMoney(money?.vat ?? 0);
    case 'revenueInclVat':
      return exactMoney(money?.inclVat ?? 0);
  }
}

/** One session's part of a metric, written as the metric's figure is: counts and seconds as integers. */
export function sessionValueOf(metric: AnalyticsMetric, value: string): AnalyticsValue {
  switch (metric) {
    case 'energyConsumedWh':
    case 'energyChargedWh':
    case 'distanceM':
      return exactDecimal(value);
    case 'revenueExclVat':
    case 'vat':
    case 'revenueInclVat':
      return exactMoney(value);
    default:
      return Number(value);
  }
}

/** A group's place in a grouped answer: its id and the energy it is ranked by. */
export interface RankedGroup {
  id: string;
  energyWh: DecimalString;
}

/** The groups with at least one session, by energy consumed plus charged, most first, then by id. */
export function rankGroups(perWindow: Map<string, Figures>[]): RankedGroup[] {
  const groups = new Map<string, { sessions: number; energyWh: Exact }>();
  for (const windowGroups of perWindow) {
    for (const [id, figures] of windowGroups) {
      const group = groups.get(id) ?? { sessions: 0, energyWh: ZERO };
      groups.set(id, {
        sessions: group.sessions + figures.byKind.RIDE.sessions + figures.byKind.CHARGING.sessions,
        energyWh: group.energyWh.plus(energyOf(figures)),
      });
    }
  }
  return [...groups]
    .filter(([, group]) => group.sessions > 0)
    .sort(([idA, a], [idB, b]) => b.energyWh.comparedTo(a.energyWh) || (idA < idB ? -1 : idA > idB ? 1 : 0))
    .map(([id, group]) => ({ id, energyWh: exactDecimal(group.energyWh) }));
}

/** True when `group` comes after `position` in the order of rankGroups. */
export function isRankedAfter(group: RankedGroup, position: RankedGroup): boolean {
  const byEnergy = new Exact(group.energyWh).comparedTo(position.energyWh);
  return byEnergy < 0 || (byEnergy === 0 && group.id > position.id);
}
