import type { LocalTime } from './local-time';
import { Exact } from './money';
import type { Tariff, TariffRestrictions } from './tariff';

/** What restrictions are evaluated against: one instant of the session, with what it used so far. */
export interface PricingMoment {
  local: LocalTime;
  energySoFarWh: Exact;
  elapsedMs: number;
  averagePowerKw: Exact;
}

/**
 * Whether an element holds at a moment. An element carrying a restriction ChargeFlow cannot evaluate
 * (`min_current`/`max_current`: no current is measured; `reservation`: no reservations are taken)
 * never matches, so the next element, usually the tariff's unrestricted one, prices the session.
 */
export function restrictionsMatch(restrictions: TariffRestrictions | undefined, moment: PricingMoment): boolean {
  if (!restrictions) return true;
  if (hasUnevaluableRestriction(restrictions)) return false;
  const { local } = moment;
  const energyKwh = moment.energySoFarWh.div(1000);
  return (
    withinTimeOfDay(restrictions.start_time, restrictions.end_time, local.minuteOfDay) &&
    (restrictions.start_date === undefined || local.date >= restrictions.start_date) &&
    (restrictions.end_date === undefined || local.date < restrictions.end_date) &&
    (restrictions.day_of_week === undefined || restrictions.day_of_week.includes(local.dayOfWeek)) &&
    (restrictions.min_kwh === undefined || energyKwh.gte(restrictions.min_kwh)) &&
    (restrictions.max_kwh === undefined || energyKwh.lt(restrictions.max_kwh)) &&
    (restrictions.min_power === undefined || moment.averagePowerKw.gte(restrictions.min_power)) &&
    (restrictions.max_power === undefined || moment.averagePowerKw.lt(restrictions.max_power)) &&
    (restrictions.min_duration === undefined || moment.elapsedMs >= restrictions.min_duration * 1000) &&
    (restrictions.max_duration === undefined || moment.elapsedMs < restrictions.max_duration * 1000)
  );
}

/** A window ending before it starts wraps midnight; a lone start runs to midnight, a lone end from it. */
function withinTimeOfDay(startTime: string | undefined, endTime: string | undefined, minuteOfDay: number): boolean {
  const start = startTime === undefined ? null : minutesOf(startTime);
  const end = endTime === undefined ? null : minutesOf(endTime);
  if (start === null) return end === null || minuteOfDay < end;
  if (end === null) return minuteOfDay >= start;
  return start < end ? minuteOfDay >= start && minuteOfDay < end : minuteOfDay >= start || minuteOfDay < end;
}

export function hasUnevaluableRestriction(restrictions: TariffRestrictions): boolean {
  return (
    restrictions.min_current !== undefined ||
    restrictions.max_current !== undefined ||
    restrictions.reservation !== undefined
  );
}

export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

const restrictionsOf = (tariff: Tariff): TariffRestrictions[] =>
  tariff.elements.flatMap((element) => (element.restrictions ? [element.restrictions] : []));

/** Whether any element reads the local clock or calendar: only then does the session need cutting at local edges. */
export function readsWallClock(tariff: Tariff): boolean {
  return restrictionsOf(tariff).some(
    (restriction) =>
      restriction.start_time !== undefined ||
      restriction.end_time !== undefined ||
      restriction.start_date !== undefined ||
      restriction.end_date !== undefined ||
      restriction.day_of_week !== undefined,
  );
}

/** The local wall-clock minutes where some restriction may change: midnight (dates, weekdays) and every window edge. */
export function wallClockEdges(tariff: Tariff): number[] {
  const edges = restrictionsOf(tariff).flatMap((restriction) =>
    [restriction.start_time, restriction.end_time].filter((time) => time !== undefined),
  );
  return [...new Set([0, ...edges.map(minutesOf)])].sort((a, b) => a - b);
}

/** Energy so far (Wh) where a kWh restriction starts or stops holding. */
export function energyEdgesWh(tariff: Tariff): Exact[] {
  const edges = restrictionsOf(tariff).flatMap((restriction) =>
    [restriction.min_kwh, restriction.max_kwh].filter((kwh) => kwh !== undefined),
  );
  return [...new Set(edges.map((kwh) => new Exact(kwh).times(1000).toFixed()))].map((wh) => new Exact(wh));
}

/** Session time so far (ms) where a duration restriction starts or stops holding. */
export function durationEdgesMs(tariff: Tariff): number[] {
  const edges = restrictionsOf(tariff).flatMap((restriction) =>
    [restriction.min_duration, restriction.max_duration].filter((seconds) => seconds !== undefined),
  );
  return [...new Set(edges.map((seconds) => seconds * 1000))];
}
