import { createHash } from 'node:crypto';
import Decimal from 'decimal.js';

/**
 * The simulated fleet's whole day, decided before anything is sent: a pure function of the seed and
 * the sizes, in simulated minutes. Every session's samples, readings and energy are here, so the same
 * seed gives the same sessions whatever the network does while they are played.
 */
export interface PlanSettings {
  vehicles: number;
  stations: number;
  minutes: number;
  seed: number;
}

export interface PlannedVehicle {
  label: string;
  batteryCapacityWh: number;
  energyWh: number;
  /** How the vehicle publishes its samples (the fleet mixes both, as real e-bikes do). */
  transport: 'AMQP' | 'MQTT';
}

export interface PlannedStation {
  name: string;
  /** A multiple of 60 W, so a simulated minute delivers a whole number of Wh. */
  ratedPowerW: number;
}

/** A ride: one sample per simulated minute, energy = the motor's power × one minute. */
export interface PlannedRide {
  kind: 'RIDE';
  vehicle: number;
  startMinute: number;
  samples: { minute: number; energyWh: string; distanceM: string }[];
  energyWh: string;
  distanceM: string;
}

/** A charge at a station's OCPP connector: the register read once per simulated minute. */
export interface PlannedCharge {
  kind: 'CHARGING';
  vehicle: number;
  station: number;
  startMinute: number;
  meterStartWh: number;
  readings: { minute: number; registerWh: number }[];
  energyWh: string;
}

export type PlannedSession = PlannedRide | PlannedCharge;

export interface FleetPlan {
  settings: PlanSettings;
  vehicles: PlannedVehicle[];
  stations: PlannedStation[];
  /** Every session, ordered by start minute (then vehicle). */
  sessions: PlannedSession[];
}

/** mulberry32: a small, well-mixed 32-bit generator; the same seed gives the same stream everywhere. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const LOW_BATTERY = 0.25;
const RESERVE = 0.1;

export function planFleet(settings: PlanSettings): FleetPlan {
  const random = generator(settings.seed);
  const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
  const vehicles: PlannedVehicle[] = Array.from({ length: settings.vehicles }, (_, index) => {
    const batteryCapacityWh = between(40, 80) * 10;
    return {
      label: `sim e-bike ${index + 1}`,
      batteryCapacityWh,
      // A third of the fleet starts the day low (12 to 24 %) and charges first; the rest rides.
      energyWh: Math.round(batteryCapacityWh * (index % 3 === 2 ? 0.12 + random() * 0.12 : 0.5 + random() / 2)),
      transport: index % 2 === 0 ? 'AMQP' : 'MQTT',
    };
  });
  const stations: PlannedStation[] = Array.from({ length: settings.stations }, (_, index) => ({
    name: `sim charger ${index + 1}`,
    ratedPowerW: between(5, 15) * 60,
  }));
  const stationFreeAt = stations.map(() => 0);
  const sessions: PlannedSession[] = [];

  for (const [index, vehicle] of vehicles.entries()) {
    let battery = new Decimal(vehicle.energyWh);
    let minute = between(0, 3);
    const capacity = new Decimal(vehicle.batteryCapacityWh);
    while (minute < settings.minutes - 2) {
      if (battery.lessThan(capacity.times(LOW_BATTERY)) && stations.length > 0) {
        const station = between(0, stations.length - 1);
        const start = Math.max(minute, stationFreeAt[station]);
        if (start >= settings.minutes - 2) break;
        const perMinute = stations[station].ratedPowerW / 60;
        const meterStartWh = between(1_000, 900_000);
        const readings: PlannedCharge['readings'] = [];
        let register = meterStartWh;
        let at = start;
        while (at < settings.minutes - 1 && battery.plus(perMinute).lessThanOrEqualTo(capacity)) {
          at += 1;
          register += perMinute;
          battery = battery.plus(perMinute);
          readings.push({ minute: at, registerWh: register });
        }
        if (readings.length === 0) break;
        sessions.push({
          kind: 'CHARGING',
          vehicle: index,
          station,
          startMinute: start,
          meterStartWh,
          readings,
          energyWh: String(register - meterStartWh),
        });
        stationFreeAt[station] = at + 1;
        minute = at + 1 + between(0, 2);
        continue;
      }
      const plannedMinutes = between(3, 15);
      const samples: PlannedRide['samples'] = [];
      let at = minute;
      while (samples.length < plannedMinutes && at < settings.minutes - 1) {
        // 120 to 420 W in steps of 6 W: a whole tenth of a Wh per minute; 250 to 420 m a minute.
        const energyWh = new Decimal(between(20, 70) * 6).div(60);
        if (battery.minus(energyWh).lessThan(capacity.times(RESERVE))) break;
        at += 1;
        battery = battery.minus(energyWh);
        samples.push({ minute: at, energyWh: energyWh.toFixed(), distanceM: String(between(250, 420)) });
      }
      // Above LOW_BATTERY a minute's ride always fits above the RESERVE: no sample means the day is over.
      if (samples.length === 0) break;
      sessions.push({
        kind: 'RIDE',
        vehicle: index,
        startMinute: minute,
        samples,
        energyWh: samples.reduce((sum, sample) => sum.plus(sample.energyWh), new Decimal(0)).toFixed(),
        distanceM: samples.reduce((sum, sample) => sum.plus(sample.distanceM), new Decimal(0)).toFixed(),
      });
      minute = at + 1 + between(0, 3);
    }
  }
  sessions.sort((a, b) => a.startMinute - b.startMinute || a.vehicle - b.vehicle);
  return { settings, vehicles, stations, sessions };
}

/** The figures the seed alone decides, and the digest of their canonical JSON. */
export function seedDeterminedFiguresOf(plan: FleetPlan): { figures: SeedDeterminedFigures; digest: string } {
  const rides = plan.sessions.filter((session): session is PlannedRide => session.kind === 'RIDE');
  const charges = plan.sessions.filter((session): session is PlannedCharge => session.kind === 'CHARGING');
  const figures: SeedDeterminedFigures = {
    settings: plan.settings,
    rides: rides.length,
    charges: charges.length,
    samples: rides.reduce((total, ride) => total + ride.samples.length, 0),
    meterReadings: charges.reduce((total, charge) => total + charge.readings.length + 1, 0),
    energyConsumedWh: rides.reduce((sum, ride) => sum.plus(ride.energyWh), new Decimal(0)).toFixed(),
    energyChargedWh: charges.reduce((sum, charge) => sum.plus(charge.energyWh), new Decimal(0)).toFixed(),
    distanceM: rides.reduce((sum, ride) => sum.plus(ride.distanceM), new Decimal(0)).toFixed(),
    sessions: plan.sessions.map((session) => [
      session.vehicle,
      session.kind,
      session.kind === 'CHARGING' ? session.station : null,
      session.startMinute,
      session.energyWh,
    ]),
  };
  return { figures, digest: createHash('sha256').update(canonicalJson(figures)).digest('hex') };
}

export interface SeedDeterminedFigures {
  settings: PlanSettings;
  rides: number;
  charges: number;
  samples: number;
  meterReadings: number;
  energyConsumedWh: string;
  energyChargedWh: string;
  distanceM: string;
  sessions: (string | number | null)[][];
}

/** JSON with object keys sorted at every level: the same figures always give the same bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}
