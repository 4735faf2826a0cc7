import Decimal from 'decimal.js';
import { planFleet, seedDeterminedFiguresOf, type PlannedCharge } from './fleet-plan';

describe('the simulated fleet’s plan', () => {
  const settings = { vehicles: 30, stations: 6, minutes: 90, seed: 7 };

  it('is a pure function of the seed: the same seed gives the same sessions and digest, another seed others', () => {
    expect(planFleet(settings)).toEqual(planFleet(settings));
    const digest = seedDeterminedFiguresOf(planFleet(settings)).digest;
    expect(seedDeterminedFiguresOf(planFleet(settings)).digest).toBe(digest);
    expect(seedDeterminedFiguresOf(planFleet({ ...settings, seed: 8 })).digest).not.toBe(digest);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps every battery between empty and full, each ride draining what its samples say', () => {
    const plan = planFleet(settings);
    expect(plan.sessions.some((session) => session.kind === 'RIDE')).toBe(true);
    expect(plan.sessions.some((session) => session.kind === 'CHARGING')).toBe(true);
    for (const [index, vehicle] of plan.vehicles.entries()) {
      let battery = new Decimal(vehicle.energyWh);
      let freeFrom = 0;
      for (const session of plan.sessions.filter((one) => one.vehicle === index)) {
        expect(session.startMinute).toBeGreaterThanOrEqual(freeFrom);
        if (session.kind === 'RIDE') {
          const drained = session.samples.reduce((sum, sample) => sum.plus(sample.energyWh), new Decimal(0));
          expect(drained.toFixed()).toBe(session.energyWh);
          battery = battery.minus(drained);
          freeFrom = session.samples[session.samples.length - 1].minute + 1;
        } else {
          battery = battery.plus(session.energyWh);
          freeFrom = session.readings[session.readings.length - 1].minute + 1;
        }
        expect(battery.greaterThanOrEqualTo(0)).toBe(true);
        expect(battery.lessThanOrEqualTo(vehicle.batteryCapacityWh)).toBe(true);
      }
    }
  });

  it('gives energy as power × time: a ride sample is 120 to 420 W for a minute, a charge the station’s power per minute', () => {
    const plan = planFleet(settings);
    for (const session of plan.sessions) {
      if (session.kind === 'RIDE') {
        for (const sample of session.samples) {
          const watts = new Decimal(sample.energyWh).times(60);
          expect(watts.isInteger() && watts.gte(120) && watts.lte(420)).toBe(true);
        }
        continue;
      }
      const perMinute = plan.stations[session.station].ratedPowerW / 60;
      let register = session.meterStartWh;
      for (const reading of session.readings) {
        register += perMinute;
        expect(reading.registerWh).toBe(register);
      }
      expect(Number(session.energyWh)).toBe(perMinute * session.readings.length);
    }
  });

  it('never plans two charges at one station at once, and ends everything before the last minute', () => {
    const plan = planFleet(settings);
    const charges = plan.sessions.filter((session): session is PlannedCharge => session.kind === 'CHARGING');
    for (const charge of charges) {
      const end = charge.readings[charge.readings.length - 1].minute;
      expect(end).toBeLessThan(settings.minutes);
      for (const other of charges.filter((one) => one !== charge && one.station === charge.station)) {
        const otherEnd = other.readings[other.readings.length - 1].minute;
        expect(other.startMinute > end || otherEnd < charge.startMinute).toBe(true);
      }
    }
  });
});
