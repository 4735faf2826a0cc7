import type { PricingInput } from './pricing-input';
import type { PriceComponent, Tariff, TariffDimension, TariffElement, TariffRestrictions } from './tariff';

/** Test fixtures: a tariff, its parts and a session to price, each overridable. */
const component =
  (type: TariffDimension) =>
  (price: string, more: Partial<PriceComponent> = {}): PriceComponent => ({ type, price, step_size: 1, ...more });

export const energy = component('ENERGY');
export const time = component('TIME');
export const parking = component('PARKING_TIME');
export const flat = component('FLAT');

export const anElement = (components: PriceComponent[], restrictions?: TariffRestrictions): TariffElement =>
  restrictions ? { price_components: components, restrictions } : { price_components: components };

export const aTariff = (overrides: Partial<Tariff> = {}): Tariff => ({
  id: 'tariff-standard',
  version: 1,
  currency: 'EUR',
  appliesTo: { kind: 'CHARGING' },
  elements: [anElement([energy('0.30')])],
  ...overrides,
});

/** Monday 2 March 2026, 10:00 to 11:00 in Amsterdam (CET, UTC+1), 10 kWh. */
export const aCharge = (overrides: Partial<PricingInput> = {}): PricingInput => ({
  kind: 'CHARGING',
  startedAt: '2026-03-02T09:00:00.000Z',
  endedAt: '2026-03-02T10:00:00.000Z',
  energyWh: '10000',
  timeZone: 'Europe/Amsterdam',
  ...overrides,
});
