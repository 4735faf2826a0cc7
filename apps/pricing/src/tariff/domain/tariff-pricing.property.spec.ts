import Decimal from 'decimal.js';
import { canonicalJson } from './canonical-json';
import { minorUnitDigits } from './money';
import type { PricingInput } from './pricing-input';
import {
  DaysOfWeek,
  type PriceComponent,
  type Tariff,
  type TariffDimension,
  type TariffElement,
  type TariffRestrictions,
} from './tariff';
import { LEGACY_ENGINE_VERSION, priceSession, type BillingRecord } from './tariff-pricing';

/** mulberry32: a tiny seeded generator, so every run explores the same cases and a failure replays. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Random = () => number;
const int = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const pick = <T>(random: Random, items: readonly T[]): T => items[int(random, 0, items.length - 1)];
const chance = (random: Random, probability: number) => random() < probability;
const cents = (random: Random, max: number) => new Decimal(int(random, 0, max)).div(100).toFixed();
const hhmm = (random: Random) =>
  `${String(int(random, 0, 23)).padStart(2, '0')}:${pick(random, ['00', '15', '30', '45'])}`;

const ZONES = ['Europe/Amsterdam', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC'] as const;
/** Around both 2026 DST changes in Europe and the US, so the sessions cross them often. */
const ANCHORS = [
  Date.parse('2026-03-06T00:00:00Z'),
  Date.parse('2026-03-27T00:00:00Z'),
  Date.parse('2026-10-23T00:00:00Z'),
  Date.parse('2026-10-30T00:00:00Z'),
];
const DAY_MS = 86_400_000;

interface TariffShape {
  kind: 'RIDE' | 'CHARGING';
  /** kWh and power restrictions make price depend on how energy is spread; the monotonicity classes leave them out. */
  energyRestrictions: boolean;
  /** Only elements without restrictions may price ENERGY (so a longer session cannot move energy to a cheaper window). */
  energyOnlyUnrestricted: boolean;
}

function randomRestrictions(random: Random, shape: TariffShape): TariffRestrictions {
  const restrictions: TariffRestrictions = {};
  if (chance(random, 0.4)) {
    restrictions.start_time = hhmm(random);
    const end = hhmm(random);
    if (end !== restrictions.start_time) restrictions.end_time = end;
  }
  const anchor = pick(random, ANCHORS);
  if (chance(random, 0.15))
    restrictions.start_date = new Date(anchor + int(random, 0, 6) * DAY_MS).toISOString().slice(0, 10);
  if (chance(random, 0.15))
    restrictions.end_date = new Date(anchor + int(random, 7, 10) * DAY_MS).toISOString().slice(0, 10);
  if (chance(random, 0.25)) restrictions.day_of_week = DaysOfWeek.filter(() => chance(random, 0.5));
  if (chance(random, 0.25)) restrictions.min_duration = int(random, 0, 4) * 1800;
  if (chance(random, 0.25)) restrictions.max_duration = (restrictions.min_duration ?? 0) + int(random, 1, 8) * 1800;
  if (shape.energyRestrictions && chance(random, 0.3)) restrictions.min_kwh = cents(random, 500);
  if (shape.energyRestrictions && chance(random, 0.3))
    restrictions.max_kwh = new Decimal(restrictions.min_kwh ?? 0).plus(cents(random, 2000)).plus('0.01').toFixed();
  if (shape.energyRestrictions && chance(random, 0.2)) restrictions.min_power = cents(random, 1100);
  if (shape.energyRestrictions && chance(random, 0.2))
    restrictions.max_power = new Decimal(restrictions.min_power ?? 0).plus(cents(random, 2200)).plus('0.01').toFixed();
  return restrictions;
}

function randomTariff(random: Random, shape: TariffShape): Tariff {
  const vat = pick(random, [undefined, '0', '9', '21']);
  const types: TariffDimension[] =
    shape.kind === 'RIDE' ? ['ENERGY', 'TIME', 'FLAT'] : ['ENERGY', 'TIME', 'PARKING_TIME', 'FLAT'];
  const elements: TariffElement[] = Array.from({ length: int(random, 1, 4) }, () => {
    const restrictions = chance(random, 0.7) ? randomRestrictions(random, shape) : undefined;
    const allowed = types.filter(
      (type) => type !== 'ENERGY' || !shape.energyOnlyUnrestricted || restrictions === undefined,
    );
    const chosen = allowed.filter(() => chance(random, 0.5));
    const components = (chosen.length > 0 ? chosen : [pick(random, allowed)]).map((type): PriceComponent => ({
      type,
      price: cents(random, type === 'FLAT' ? 500 : 300),
      step_size: 1,
      ...(vat === undefined ? {} : { vat }),
    }));
    return restrictions ? { price_components: components, restrictions } : { price_components: components };
  });
  // The OCPI step of the last priced component can make a longer session cheaper when several elements price one
  // dimension, so steps are given only to a dimension a single element prices.
  for (const type of types) {
    const pricing = elements.flatMap((element) =>
      element.price_components.filter((component) => component.type === type),
    );
    if (pricing.length === 1 && type !== 'FLAT' && chance(random, 0.5))
      pricing[0].step_size = pick(random, type === 'ENERGY' ? [100, 500, 1000] : [60, 300, 900]);
  }
  const tariff: Tariff = {
    id: 'tariff-random',
    version: int(random, 1, 9),
    currency: pick(random, ['EUR', 'JPY', 'KWD']),
    appliesTo: { kind: shape.kind },
    elements,
  };
  const unit = tariff.currency === 'JPY' ? 1 : 100;
  if (chance(random, 0.2)) tariff.min_price = { excl_vat: String(int(random, 0, 3 * unit) / unit) };
  if (chance(random, 0.2)) tariff.max_price = { excl_vat: String(int(random, 3 * unit, 30 * unit) / unit) };
  return tariff;
}

function randomSession(random: Random, kind: 'RIDE' | 'CHARGING'): PricingInput {
  const startMs = pick(random, ANCHORS) + int(random, 0, 4 * DAY_MS);
  const durationMs = chance(random, 0.05) ? 0 : int(random, 1, 2 * DAY_MS);
  return {
    kind,
    startedAt: new Date(startMs).toISOString(),
    endedAt: new Date(startMs + durationMs).toISOString(),
    energyWh: new Decimal(int(random, 0, 80_000_000)).div(1000).toFixed(),
    parkingDurationS: kind === 'CHARGING' && chance(random, 0.5) ? int(random, 0, Math.floor(durationMs / 3000)) : 0,
    timeZone: pick(random, ZONES),
  };
}

const RUNS = 300;
/**
 * The total excl. VAT never falls. Incl. VAT neither, except across a min/max price edge: lines round
 * their VAT one by one, a clamped total takes the limit's own VAT, and the two may differ by rounding.
 */
function expectNotCheaper(tariff: Tariff, smaller: BillingRecord, larger: BillingRecord, describe: () => string): void {
  const fellExcl = new Decimal(larger.totalExclVat).lt(smaller.totalExclVat);
  const fellIncl = new Decimal(larger.totalInclVat).lt(smaller.totalInclVat) && !tariff.min_price && !tariff.max_price;
  if (fellExcl || fellIncl) throw new Error(`price fell: ${describe()}`);
}

describe('priceSession properties (seeded, no library)', () => {
  it(`never gets cheaper when the energy grows, other inputs fixed (${RUNS} random tariffs and sessions)`, () => {
    const random = mulberry32(0x5eed_0001);
    for (let run = 0; run < RUNS; run++) {
      const kind = pick(random, ['RIDE', 'CHARGING'] as const);
      const tariff = randomTariff(random, { kind, energyRestrictions: false, energyOnlyUnrestricted: false });
      const session = randomSession(random, kind);
      const more = {
        ...session,
        energyWh: new Decimal(session.energyWh).plus(new Decimal(int(random, 1, 20_000_000)).div(1000)).toFixed(),
      };
      expectNotCheaper(tariff, priceSession(tariff, session), priceSession(tariff, more), () =>
        canonicalJson({ run, tariff, session, more }),
      );
    }
  });

  it(`never gets cheaper when the session lasts longer, other inputs fixed (${RUNS} random tariffs and sessions)`, () => {
    const random = mulberry32(0x5eed_0002);
    for (let run = 0; run < RUNS; run++) {
      const kind = pick(random, ['RIDE', 'CHARGING'] as const);
      const tariff = randomTariff(random, { kind, energyRestrictions: false, energyOnlyUnrestricted: true });
      const session = { ...randomSession(random, kind), parkingDurationS: 0 };
      const longer = {
        ...session,
        endedAt: new Date(Date.parse(session.endedAt) + int(random, 1, DAY_MS)).toISOString(),
      };
      expectNotCheaper(tariff, priceSession(tariff, session), priceSession(tariff, longer), () =>
        canonicalJson({ run, tariff, session, longer }),
      );
    }
  });

  it(`is deterministic and self-consistent for any tariff, kWh and power restrictions included (${RUNS} random cases)`, () => {
    const random = mulberry32(0x5eed_0003);
    for (let run = 0; run < RUNS; run++) {
      const kind = pick(random, ['RIDE', 'CHARGING'] as const);
      const tariff = randomTariff(random, { kind, energyRestrictions: true, energyOnlyUnrestricted: false });
      const session = randomSession(random, kind);
      const record = priceSession(tariff, session);
      expect(canonicalJson(priceSession(structuredClone(tariff), { ...session }))).toBe(canonicalJson(record));

      const sum = (amounts: string[]) => amounts.reduce((acc, amount) => acc.plus(amount), new Decimal(0)).toString();
      const breakdown = record.vatBreakdown ?? [];
      expect(sum(record.lineItems.map((line) => line.amountExclVat))).toBe(new Decimal(record.totalExclVat).toString());
      expect(sum(breakdown.map((entry) => entry.taxable))).toBe(new Decimal(record.totalExclVat).toString());
      expect(sum(breakdown.map((entry) => entry.vat))).toBe(new Decimal(record.totalVat).toString());
      expect(sum([record.totalExclVat, record.totalVat])).toBe(new Decimal(record.totalInclVat).toString());
      for (const entry of breakdown) {
        const atRate = record.lineItems.filter((line) => line.vat === entry.rate).map((line) => line.amountExclVat);
        expect(sum(atRate)).toBe(new Decimal(entry.taxable).toString());
        const exact = new Decimal(entry.taxable).times(entry.rate).div(100);
        expect(
          exact
            .minus(entry.vat)
            .abs()
            .lte(new Decimal(10).pow(-minorUnitDigits(record.currency)).div(2)),
        ).toBe(true);
      }

      const legacy = priceSession(tariff, session, LEGACY_ENGINE_VERSION);
      const legacySum = (pick: (line: BillingRecord['lineItems'][number]) => string | undefined) =>
        sum(legacy.lineItems.map((line) => pick(line) ?? 'NaN'));
      expect([
        legacySum((line) => line.amountExclVat),
        legacySum((line) => line.vatAmount),
        legacySum((line) => line.amountInclVat),
      ]).toEqual(
        [legacy.totalExclVat, legacy.totalVat, legacy.totalInclVat].map((amount) => new Decimal(amount).toString()),
      );
      const pricedKwh = record.lineItems
        .filter((line) => line.type === 'ENERGY')
        .reduce((acc, line) => acc.plus(line.volume), new Decimal(0));
      expect(pricedKwh.lte(new Decimal(session.energyWh).div(1000))).toBe(true);
    }
  });

  it(`prices every kWh exactly once when a last, unrestricted element prices energy (${RUNS} random cases)`, () => {
    const random = mulberry32(0x5eed_0004);
    for (let run = 0; run < RUNS; run++) {
      const kind = pick(random, ['RIDE', 'CHARGING'] as const);
      const tariff = randomTariff(random, { kind, energyRestrictions: true, energyOnlyUnrestricted: false });
      tariff.elements.push({
        price_components: [
          {
            type: 'ENERGY',
            price: '0.01',
            step_size: 1,
            ...(tariff.elements[0].price_components[0].vat ? { vat: tariff.elements[0].price_components[0].vat } : {}),
          },
        ],
      });
      const session = randomSession(random, kind);
      const record = priceSession(tariff, session);
      const pricedKwh = record.lineItems
        .filter((line) => line.type === 'ENERGY')
        .reduce((acc, line) => acc.plus(line.volume), new Decimal(0));
      expect(pricedKwh.toFixed()).toBe(new Decimal(session.energyWh).div(1000).toFixed());
    }
  });
});
