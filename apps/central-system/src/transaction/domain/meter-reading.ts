import Decimal from 'decimal.js';

/** The one measurand that becomes a meter sample; every other one is kept in the protocol log only. */
export const ENERGY_REGISTER = 'Energy.Active.Import.Register';

/** OCPP 1.6 SampledValue, as the schema lets it arrive. */
export interface SampledValue {
  value: string;
  context?: string;
  format?: string;
  measurand?: string;
  phase?: string;
  location?: string;
  unit?: string;
}

export interface MeterValue {
  timestamp: string;
  sampledValue: SampledValue[];
}

/** A register reading taken from a MeterValue: at `at`, `wh` watt-hours (an exact decimal string). */
export interface RegisterReading {
  at: Date;
  wh: string;
}

/** Why a MeterValue gave no reading; kept with the frame in the protocol log. */
export class UnreadableMeterValue extends Error {}

const DECIMAL = /^\d{1,15}(\.\d{1,9})?$/;

function toWh(sampled: SampledValue): Decimal {
  if ((sampled.format ?? 'Raw') !== 'Raw') throw new UnreadableMeterValue(`format ${sampled.format} is not read`);
  if (!DECIMAL.test(sampled.value))
    throw new UnreadableMeterValue(`value ${JSON.stringify(sampled.value)} is not a reading`);
  const unit = sampled.unit ?? 'Wh';
  if (unit === 'Wh') return new Decimal(sampled.value);
  if (unit === 'kWh') return new Decimal(sampled.value).times(1_000);
  throw new UnreadableMeterValue(`unit ${unit} is not an energy unit`);
}

/**
 * The energy register of one MeterValue, in Wh, exactly (kWh are converted in decimal): its total
 * when one is given, else the sum of its phase values. Null when it carries no register reading
 * (only other measurands). A measurand defaults to the register and a unit to Wh, as OCPP 1.6 says.
 */
export function registerReading(meterValue: MeterValue): RegisterReading | null {
  const at = new Date(meterValue.timestamp);
  if (Number.isNaN(at.getTime())) throw new UnreadableMeterValue(`timestamp ${meterValue.timestamp} is not a time`);
  const register = meterValue.sampledValue.filter(
    (sampled) =>
      (sampled.measurand ?? ENERGY_REGISTER) === ENERGY_REGISTER && (sampled.location ?? 'Outlet') === 'Outlet',
  );
  if (register.length === 0) return null;
  const totals = register.filter((sampled) => sampled.phase === undefined);
  if (totals.length > 1 && new Set(totals.map((sampled) => toWh(sampled).toFixed())).size > 1) {
    throw new UnreadableMeterValue('the register is given twice with different totals');
  }
  const wh =
    totals.length > 0 ? toWh(totals[0]) : register.reduce((sum, sampled) => sum.plus(toWh(sampled)), new Decimal(0));
  return { at, wh: wh.toFixed() };
}
