import Decimal from 'decimal.js';
import { wallClockBoundaries } from './local-time';
import { Exact } from './money';
import { durationEdgesMs, energyEdgesWh, readsWallClock, wallClockEdges } from './restrictions';
import type { Tariff } from './tariff';

/** Energy so far is tracked to the microwatt-hour: fine enough that no tariff can tell, exact enough to sum. */
const ENERGY_QUANTUM_DECIMALS = 6;

/** The session as the engine sees it: charging from start to chargingEndMs, then parked (plugged in, no energy) until endMs. */
export interface SessionSpan {
  startMs: number;
  chargingEndMs: number;
  endMs: number;
  energyWh: Exact;
  timeZone: string;
}

/** A stretch of the session in which no restriction of the tariff can change its verdict. */
export interface Period {
  startMs: number;
  endMs: number;
  energySoFarWh: Exact;
  energyWh: Exact;
  parking: boolean;
}

interface Point {
  atMs: number;
  energySoFarWh: Exact;
}

/**
 * Cuts the session at every instant a restriction could flip: wall-clock edges (DST-aware, and only
 * when some element reads the clock, so the work grows with the periods, not the hours), kWh and
 * duration thresholds, and the end of charging. Energy is taken as drawn evenly over the charging
 * time. A kWh threshold keeps its exact energy (its instant is rounded to the ms); every other cut
 * keeps its exact instant (its energy is rounded to the µWh). Both roundings are monotone, so the
 * points stay in order and energies never run backwards.
 */
export function sessionPeriods(span: SessionSpan, tariff: Tariff): Period[] {
  const { startMs, chargingEndMs, endMs, energyWh } = span;
  const chargingMs = chargingEndMs - startMs;
  const energyAt = (atMs: number): Exact =>
    atMs >= chargingEndMs
      ? energyWh
      : energyWh
          .times(atMs - startMs)
          .div(chargingMs)
          .toDecimalPlaces(ENERGY_QUANTUM_DECIMALS, Decimal.ROUND_HALF_EVEN);
  const instantOf = (energySoFarWh: Exact): number =>
    chargingMs === 0
      ? startMs
      : energySoFarWh
          .times(chargingMs)
          .div(energyWh)
          .plus(startMs)
          .toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN)
          .toNumber();

  const instants = [
    startMs,
    chargingEndMs,
    endMs,
    ...(readsWallClock(tariff) ? wallClockBoundaries(startMs, endMs, span.timeZone, wallClockEdges(tariff)) : []),
    ...durationEdgesMs(tariff).map((elapsedMs) => startMs + elapsedMs),
  ].filter((atMs) => atMs >= startMs && atMs <= endMs);
  const points: Point[] = [
    { atMs: startMs, energySoFarWh: new Exact(0) },
    ...instants.map((atMs) => ({ atMs, energySoFarWh: energyAt(atMs) })),
    ...energyEdgesWh(tariff)
      .filter((edgeWh) => edgeWh.gt(0) && edgeWh.lt(energyWh))
      .map((edgeWh) => ({ atMs: instantOf(edgeWh), energySoFarWh: edgeWh })),
  ];
  const ordered = points
    .sort((a, b) => a.atMs - b.atMs || a.energySoFarWh.comparedTo(b.energySoFarWh))
    .filter(
      (point, index, all) =>
        index === 0 || point.atMs !== all[index - 1].atMs || !point.energySoFarWh.eq(all[index - 1].energySoFarWh),
    );

  return ordered.slice(1).map((end, index) => {
    const start = ordered[index];
    return {
      startMs: start.atMs,
      endMs: end.atMs,
      energySoFarWh: start.energySoFarWh,
      energyWh: end.energySoFarWh.minus(start.energySoFarWh),
      parking: start.atMs >= chargingEndMs && end.atMs > start.atMs,
    };
  });
}
