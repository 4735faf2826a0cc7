import Decimal from 'decimal.js';

/** Watt-hours are kept to the milliwatt-hour; this is the one rounding rule for energy. */
export const ENERGY_DECIMALS = 3;

export function wattHours(value: Decimal.Value): Decimal {
  return new Decimal(value).toDecimalPlaces(ENERGY_DECIMALS, Decimal.ROUND_HALF_EVEN);
}

/**
 * Energy an unmetered station delivers: its rated power over the elapsed time, never more than the
 * battery could take when the charge started.
 */
export function ratedEnergyWh(ratedPowerW: number, elapsedMs: number, freeCapacityWh: Decimal.Value): Decimal {
  const delivered = new Decimal(ratedPowerW).times(elapsedMs).dividedBy(3_600_000);
  return wattHours(Decimal.min(delivered, new Decimal(freeCapacityWh)));
}
