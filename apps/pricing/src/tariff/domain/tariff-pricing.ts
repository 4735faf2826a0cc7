import { createHash } from 'node:crypto';
import Decimal from 'decimal.js';
import { canonicalJson } from './canonical-json';
import { localTimeAt } from './local-time';
import { Exact, formatMoney, minorUnitDigits, roundMoney, roundMoneyCommercially } from './money';
import { sessionPeriods, type Period } from './periods';
import { shareOfAdjustment } from './price-limit';
import { sessionFactsOf, type PricingInput, type SessionFacts } from './pricing-input';
import { restrictionsMatch, type PricingMoment } from './restrictions';
import type { Price, PriceComponent, Tariff, TariffDimension } from './tariff';
import { TariffNotApplicableError } from './tariff.errors';
import { parseTariff } from './tariff.validation';

/** Part of every input hash: a change to how prices are computed must bump it. */
export const ENGINE_VERSION = 'tariff-engine/2';
/**
 * VAT per line, half to even: what priced records before EN 16931 VAT. Kept computable, so those
 * records (invoices already issued) verify as they are and are never re-derived.
 */
export const LEGACY_ENGINE_VERSION = 'tariff-engine/1';
export const EngineVersions = [LEGACY_ENGINE_VERSION, ENGINE_VERSION] as const;
export type EngineVersion = (typeof EngineVersions)[number];

export function isEngineVersion(value: unknown): value is EngineVersion {
  return EngineVersions.includes(value as never);
}

const HOUR_MS = 3_600_000;
/** Time volumes are shown to the millionth of an hour (3.6 ms); amounts are computed from the exact milliseconds. */
const HOURS_SHOWN_DECIMALS = 6;

export type LineItemType = TariffDimension | 'MIN_PRICE' | 'MAX_PRICE';

export interface PricedPeriod {
  start: string;
  end: string;
  elementIndex: number;
}

/**
 * One price component's share of the session. Volumes are kWh (ENERGY), hours (TIME, PARKING_TIME)
 * or 1 (FLAT and the min/max price adjustments); money has exactly the currency's minor-unit digits.
 * A line carries its net amount and its VAT rate; its VAT lives in the record's vatBreakdown.
 * `vatAmount` and `amountInclVat` appear only on records of tariff-engine/1, which taxed each line.
 */
export interface LineItem {
  type: LineItemType;
  elementIndex: number | null;
  volume: string;
  billedVolume: string;
  unitPrice: string;
  amountExclVat: string;
  /** Percent. */
  vat: string;
  vatAmount?: string;
  amountInclVat?: string;
  periods: PricedPeriod[];
}

/** EN 16931's VAT breakdown: per rate, the sum of the net lines at that rate and its VAT. */
export interface VatBreakdownEntry {
  /** Percent. */
  rate: string;
  taxable: string;
  vat: string;
}

export interface BillingRecord {
  tariffId: string;
  tariffVersion: number;
  engineVersion: string;
  currency: string;
  /** sha256 of the canonical JSON of the session facts, the tariff version's document and the engine version. */
  inputHash: string;
  lineItems: LineItem[];
  /** One entry per VAT rate, lowest rate first; absent on records of tariff-engine/1. */
  vatBreakdown?: VatBreakdownEntry[];
  totalExclVat: string;
  totalVat: string;
  totalInclVat: string;
}

/** A period's volume in one dimension, in base units (Wh or ms), and the element that prices it. */
interface Slice {
  type: Exclude<TariffDimension, 'FLAT'>;
  elementIndex: number;
  component: PriceComponent;
  volume: Exact;
  startMs: number;
  endMs: number;
}

interface ExactLine {
  type: TariffDimension;
  elementIndex: number;
  component: PriceComponent;
  volume: Exact;
  billedVolume: Exact;
  amountExclVat: Exact;
  periods: PricedPeriod[];
}

const METERED: readonly Slice['type'][] = ['ENERGY', 'TIME', 'PARKING_TIME'];

/**
 * Prices a session with one tariff version: a pure function of (session facts, tariff, engine version).
 *
 * Rounding (tariff-engine/2, EN 16931): each line's amount excl. VAT is computed exactly and rounded
 * to the currency's minor unit, ties away from zero; per VAT rate, the taxable amount is the sum of
 * those rounded lines and its VAT is taxable × rate, rounded the same way (BR-CO-17); the totals are
 * net + VAT summed over the rates. min_price and max_price clamp the total excl. VAT through one
 * adjustment line per VAT rate, the adjustment shared pro rata over the rates (see shareOfAdjustment).
 * tariff-engine/1 rounded half to
 * even and taxed each line (see legacyRecord).
 */
export function priceSession(
  tariffDocument: Tariff,
  input: PricingInput,
  engineVersion: EngineVersion = ENGINE_VERSION,
): BillingRecord {
  const facts = sessionFactsOf(input);
  const tariff = parseTariff(tariffDocument, { timeZone: facts.timeZone });
  if (tariff.appliesTo.kind !== facts.kind)
    throw new TariffNotApplicableError(tariff.id, tariff.appliesTo.kind, facts.kind);

  const startMs = Date.parse(facts.startedAt);
  const endMs = Date.parse(facts.endedAt);
  const chargingEndMs = endMs - facts.parkingDurationS * 1000;
  const energyWh = new Exact(facts.energyWh);
  const chargingMs = chargingEndMs - startMs;
  // With no charging time there is no rate to speak of; such a session has no power to restrict.
  const averagePowerKw = chargingMs === 0 ? new Exact(0) : energyWh.times(3600).div(chargingMs);
  const momentAt = (atMs: number, energySoFarWh: Exact): PricingMoment => ({
    local: localTimeAt(atMs, facts.timeZone),
    energySoFarWh,
    elapsedMs: atMs - startMs,
    averagePowerKw,
  });

  const periods = sessionPeriods({ startMs, chargingEndMs, endMs, energyWh, timeZone: facts.timeZone }, tariff);
  const slices = periods.flatMap((period) => slicesOf(period, tariff, momentAt(period.startMs, period.energySoFarWh)));
  const lines = [
    ...flatLine(tariff, momentAt(startMs, new Exact(0)), startMs, endMs),
    ...METERED.flatMap((type) => meteredLines(slices.filter((slice) => slice.type === type))),
  ];
  const identity = {
    tariffId: tariff.id,
    tariffVersion: tariff.version,
    engineVersion,
    currency: tariff.currency,
    inputHash: inputHashOf(facts, tariff, engineVersion),
  };
  return engineVersion === LEGACY_ENGINE_VERSION
    ? { ...identity, ...legacyRecord(tariff, lines) }
    : { ...identity, ...en16931Record(tariff, lines) };
}

export function inputHashOf(
  facts: SessionFacts,
  tariff: Tariff,
  engineVersion: EngineVersion = ENGINE_VERSION,
): string {
  return createHash('sha256')
    .update(canonicalJson({ session: facts, tariff, engineVersion }))
    .digest('hex');
}

type PricedLines = Pick<BillingRecord, 'lineItems' | 'vatBreakdown' | 'totalExclVat' | 'totalVat' | 'totalInclVat'>;

/** tariff-engine/2: net lines, then VAT per rate on their sum (EN 16931 BR-CO-17), ties away from zero. */
function en16931Record(tariff: Tariff, exactLines: ExactLine[]): PricedLines {
  const { currency } = tariff;
  const money = (amount: Exact) => formatMoney(amount, currency);
  const netLines = exactLines.map((line) => {
    const shown = shownVolumes(line);
    return {
      type: line.type,
      elementIndex: line.elementIndex,
      volume: shown.volume,
      billedVolume: shown.billedVolume,
      unitPrice: new Exact(line.component.price).toFixed(),
      amountExclVat: money(roundMoneyCommercially(line.amountExclVat, currency)),
      vat: new Exact(line.component.vat ?? 0).toFixed(),
      periods: line.periods,
    } satisfies LineItem;
  });
  const netTotal = sumOf(netLines.map((line) => line.amountExclVat));
  const limit = priceLimitCrossed(tariff, netTotal);
  const lineItems: LineItem[] = limit
    ? [...netLines, ...limitAdjustments(tariff, netLines, limit, netTotal)]
    : netLines;

  const taxableByRate = new Map<string, Exact>();
  for (const line of lineItems)
    taxableByRate.set(line.vat, (taxableByRate.get(line.vat) ?? new Exact(0)).plus(line.amountExclVat));
  const breakdown = [...taxableByRate.entries()]
    .sort(([left], [right]) => new Exact(left).comparedTo(right))
    .map(([rate, taxable]) => ({
      rate,
      taxable,
      vat: roundMoneyCommercially(taxable.times(rate).div(100), currency),
    }));
  const totalExclVat = breakdown.reduce((sum, entry) => sum.plus(entry.taxable), new Exact(0));
  const totalVat = breakdown.reduce((sum, entry) => sum.plus(entry.vat), new Exact(0));
  return {
    lineItems,
    vatBreakdown: breakdown.map((entry) => ({
      rate: entry.rate,
      taxable: money(entry.taxable),
      vat: money(entry.vat),
    })),
    totalExclVat: money(totalExclVat),
    totalVat: money(totalVat),
    totalInclVat: money(totalExclVat.plus(totalVat)),
  };
}

/** One adjustment line per VAT rate bringing the net total to the limit (see shareOfAdjustment). */
function limitAdjustments(
  tariff: Tariff,
  netLines: LineItem[],
  limit: { type: 'MIN_PRICE' | 'MAX_PRICE'; price: Price },
  netTotal: Exact,
): LineItem[] {
  const taxableByRate = new Map<string, Exact>();
  for (const line of netLines)
    taxableByRate.set(line.vat, (taxableByRate.get(line.vat) ?? new Exact(0)).plus(line.amountExclVat));
  const tariffRates = tariff.elements.flatMap((element) =>
    element.price_components.map((component) => new Exact(component.vat ?? 0).toFixed()),
  );
  const adjustment = new Exact(limit.price.excl_vat).minus(netTotal);
  return shareOfAdjustment(adjustment, taxableByRate, tariffRates, minorUnitDigits(tariff.currency)).map((share) => {
    const amount = formatMoney(share.amount, tariff.currency);
    return {
      type: limit.type,
      elementIndex: null,
      volume: '1',
      billedVolume: '1',
      unitPrice: amount,
      amountExclVat: amount,
      vat: share.rate,
      periods: [],
    };
  });
}

/**
 * tariff-engine/1, unchanged: each line's amount excl. VAT rounded half to even, its VAT that
 * rounded amount times the rate rounded the same way, totals the sums of the rounded lines.
 */
function legacyRecord(tariff: Tariff, exactLines: ExactLine[]): PricedLines {
  const priced = exactLines.map((line) => legacyLine(line, tariff.currency));
  const lineItems = [...priced, ...legacyLimitAdjustment(tariff, priced)];
  const total = (pick: (line: LineItem) => string | undefined) =>
    formatMoney(sumOf(lineItems.map((line) => pick(line) ?? '0')), tariff.currency);
  return {
    lineItems,
    totalExclVat: total((line) => line.amountExclVat),
    totalVat: total((line) => line.vatAmount),
    totalInclVat: total((line) => line.amountInclVat),
  };
}

const sumOf = (amounts: string[]): Exact => amounts.reduce((total, amount) => total.plus(amount), new Exact(0));

/** tariff-engine/1's adjustment rate: its tariffs with price limits had one VAT rate; 0 when none is set. */
const theVatRate = (tariff: Tariff): Exact =>
  new Exact(tariff.elements.flatMap((element) => element.price_components)[0]?.vat ?? 0);

/** Per dimension, the first element (in order) that prices it and whose restrictions hold; none means free. */
function slicesOf(period: Period, tariff: Tariff, moment: PricingMoment): Slice[] {
  const durationMs = new Exact(period.endMs - period.startMs);
  const volumes: Record<Slice['type'], Exact> = {
    ENERGY: period.energyWh,
    TIME: durationMs,
    PARKING_TIME: period.parking ? durationMs : new Exact(0),
  };
  return METERED.flatMap((type) => {
    if (!volumes[type].gt(0)) return [];
    const found = firstPricing(tariff, type, moment);
    return found ? [{ type, ...found, volume: volumes[type], startMs: period.startMs, endMs: period.endMs }] : [];
  });
}

function firstPricing(
  tariff: Tariff,
  type: TariffDimension,
  moment: PricingMoment,
): { elementIndex: number; component: PriceComponent } | null {
  for (const [elementIndex, element] of tariff.elements.entries()) {
    const component = element.price_components.find((candidate) => candidate.type === type);
    if (component && restrictionsMatch(element.restrictions, moment)) return { elementIndex, component };
  }
  return null;
}

/** FLAT is charged once, by the first element that has one and holds at the session's start. */
function flatLine(tariff: Tariff, atStart: PricingMoment, startMs: number, endMs: number): ExactLine[] {
  const found = firstPricing(tariff, 'FLAT', atStart);
  if (!found) return [];
  const one = new Exact(1);
  return [
    {
      type: 'FLAT',
      elementIndex: found.elementIndex,
      component: found.component,
      volume: one,
      billedVolume: one,
      amountExclVat: new Exact(found.component.price),
      periods: [{ start: iso(startMs), end: iso(endMs), elementIndex: found.elementIndex }],
    },
  ];
}

/**
 * One dimension's lines, one per element that priced some of it. step_size rounds the dimension's
 * session total up once, with the step of the last priced period's component; the extra volume is
 * billed on that component's line (OCPI 2.2.1: "the step_size of the last relevant PriceComponent").
 */
function meteredLines(slices: Slice[]): ExactLine[] {
  if (slices.length === 0) return [];
  const { type } = slices[0];
  const last = slices[slices.length - 1];
  const unit = type === 'ENERGY' ? 1 : 1000;
  const total = slices.reduce((sum, slice) => sum.plus(slice.volume), new Exact(0));
  const step = new Exact(last.component.step_size * unit);
  const extra = last.component.step_size === 1 ? new Exact(0) : total.div(step).ceil().times(step).minus(total);

  const byElement = new Map<number, Slice[]>();
  for (const slice of slices) byElement.set(slice.elementIndex, [...(byElement.get(slice.elementIndex) ?? []), slice]);
  return [...byElement.entries()].map(([elementIndex, own]) => {
    const volume = own.reduce((sum, slice) => sum.plus(slice.volume), new Exact(0));
    const billed = elementIndex === last.elementIndex ? volume.plus(extra) : volume;
    const perUnit = type === 'ENERGY' ? 1000 : HOUR_MS;
    return {
      type,
      elementIndex,
      component: own[0].component,
      volume: volume.div(perUnit),
      billedVolume: billed.div(perUnit),
      amountExclVat: billed.times(own[0].component.price).div(perUnit),
      periods: mergedPeriods(own),
    };
  });
}

function mergedPeriods(slices: Slice[]): PricedPeriod[] {
  const merged: { startMs: number; endMs: number; elementIndex: number }[] = [];
  for (const slice of slices) {
    const previous = merged[merged.length - 1];
    if (previous && previous.endMs === slice.startMs) previous.endMs = slice.endMs;
    else merged.push({ startMs: slice.startMs, endMs: slice.endMs, elementIndex: slice.elementIndex });
  }
  return merged.map((period) => ({
    start: iso(period.startMs),
    end: iso(period.endMs),
    elementIndex: period.elementIndex,
  }));
}

/**
 * tariff-engine/1's clamp: one line bringing the total excl. VAT to the limit, whose VAT brings the
 * total VAT to exactly the limit's: incl_vat minus excl_vat when the tariff publishes incl_vat, else
 * the limit times the tariff's one VAT rate, rounded half to even.
 */
function legacyLimitAdjustment(tariff: Tariff, lines: LineItem[]): LineItem[] {
  const totalExclVat = sumOf(lines.map((line) => line.amountExclVat));
  const limit = priceLimitCrossed(tariff, totalExclVat);
  if (!limit) return [];

  const vatPercent = theVatRate(tariff);
  const limitVat =
    limit.price.incl_vat === undefined
      ? roundMoney(new Exact(limit.price.excl_vat).times(vatPercent).div(100), tariff.currency)
      : new Exact(limit.price.incl_vat).minus(limit.price.excl_vat);
  const exclVat = new Exact(limit.price.excl_vat).minus(totalExclVat);
  const vatAmount = limitVat.minus(sumOf(lines.map((line) => line.vatAmount ?? '0')));
  const money = (amount: Exact) => formatMoney(amount, tariff.currency);
  return [
    {
      type: limit.type,
      elementIndex: null,
      volume: '1',
      billedVolume: '1',
      unitPrice: money(exclVat),
      amountExclVat: money(exclVat),
      vat: vatPercent.toFixed(),
      vatAmount: money(vatAmount),
      amountInclVat: money(exclVat.plus(vatAmount)),
      periods: [],
    },
  ];
}

/** The limit a total excl. VAT falls outside of: below min_price, or above max_price; none within. */
function priceLimitCrossed(
  tariff: Tariff,
  totalExclVat: Exact,
): { type: 'MIN_PRICE' | 'MAX_PRICE'; price: Price } | null {
  const { min_price: min, max_price: max } = tariff;
  if (min && totalExclVat.lt(min.excl_vat)) return { type: 'MIN_PRICE', price: min };
  if (max && totalExclVat.gt(max.excl_vat)) return { type: 'MAX_PRICE', price: max };
  return null;
}

function shownVolumes(line: ExactLine): { volume: string; billedVolume: string } {
  const hours = line.type === 'TIME' || line.type === 'PARKING_TIME';
  const shown = (volume: Exact) =>
    (hours ? volume.toDecimalPlaces(HOURS_SHOWN_DECIMALS, Decimal.ROUND_HALF_EVEN) : volume).toFixed();
  return { volume: shown(line.volume), billedVolume: shown(line.billedVolume) };
}

function legacyLine(line: ExactLine, currency: string): LineItem {
  const vatPercent = new Exact(line.component.vat ?? 0);
  const exclVat = roundMoney(line.amountExclVat, currency);
  const vatAmount = roundMoney(exclVat.times(vatPercent).div(100), currency);
  return {
    type: line.type,
    elementIndex: line.elementIndex,
    ...shownVolumes(line),
    unitPrice: new Exact(line.component.price).toFixed(),
    amountExclVat: formatMoney(exclVat, currency),
    vat: vatPercent.toFixed(),
    vatAmount: formatMoney(vatAmount, currency),
    amountInclVat: formatMoney(exclVat.plus(vatAmount), currency),
    periods: line.periods,
  };
}

const iso = (epochMs: number) => new Date(epochMs).toISOString();
