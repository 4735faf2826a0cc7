import type { DecimalString, SessionKind } from '@chargeflow/contracts';

/** The priced dimensions; OCPI 2.2.1 names. */
export const TariffDimensions = ['ENERGY', 'TIME', 'PARKING_TIME', 'FLAT'] as const;
export type TariffDimension = (typeof TariffDimensions)[number];

export const DaysOfWeek = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
export type DayOfWeek = (typeof DaysOfWeek)[number];

/**
 * How one dimension's use becomes money. Decimals are stored and answered as strings; a tariff may be
 * sent with OCPI's JSON numbers, converted exactly on the way in (see tariff-numbers.ts).
 * `step_size` is in Wh for ENERGY and seconds for TIME and PARKING_TIME; 1 means no rounding.
 */
export interface PriceComponent {
  type: TariffDimension;
  /** Excluding VAT: per kWh, per hour, or per session for FLAT. */
  price: DecimalString;
  /** Percent; absent means no VAT applies. */
  vat?: DecimalString;
  step_size: number;
}

export const ReservationRestrictions = ['RESERVATION', 'RESERVATION_EXPIRES'] as const;
export type ReservationRestriction = (typeof ReservationRestrictions)[number];

/**
 * When an element is valid. Times and dates are local to the pricing time zone; `min_*` bounds are
 * inclusive, `max_*` bounds exclusive. kWh and duration count what the session used so far.
 * `min_current`/`max_current` (A) and `reservation` are kept as published, but ChargeFlow measures no
 * current and takes no reservations: an element carrying any of them never matches (see restrictions.ts).
 */
export interface TariffRestrictions {
  start_time?: string;
  end_time?: string;
  start_date?: string;
  end_date?: string;
  day_of_week?: DayOfWeek[];
  min_kwh?: DecimalString;
  max_kwh?: DecimalString;
  min_power?: DecimalString;
  max_power?: DecimalString;
  min_current?: DecimalString;
  max_current?: DecimalString;
  min_duration?: number;
  max_duration?: number;
  reservation?: ReservationRestriction;
}

export const RestrictionKeys = [
  'start_time',
  'end_time',
  'start_date',
  'end_date',
  'day_of_week',
  'min_kwh',
  'max_kwh',
  'min_power',
  'max_power',
  'min_current',
  'max_current',
  'min_duration',
  'max_duration',
  'reservation',
] as const satisfies readonly (keyof TariffRestrictions)[];

export interface TariffElement {
  price_components: PriceComponent[];
  restrictions?: TariffRestrictions;
}

/** An OCPI Price: the limits of a session's total. */
export interface Price {
  excl_vat: DecimalString;
  incl_vat?: DecimalString;
}

/** One immutable version of a tariff: OCPI 2.2.1 field names plus what it applies to. */
export interface Tariff {
  id: string;
  version: number;
  currency: string;
  elements: TariffElement[];
  min_price?: Price;
  max_price?: Price;
  appliesTo: { kind: SessionKind; stationId?: string };
}
