import { Session } from './session.aggregate';
import { SessionAlreadyFinalizedError, SessionEndsBeforeStartError } from './session.errors';
import { aLedger, anActiveCharge, anActiveRide, at, someTerms, START } from './session.test-builders';

describe('Session', () => {
  it('starts Active, without totals, and records that it started', () => {
    const ride = anActiveRide();
    expect(ride.toSnapshot()).toMatchObject({ state: 'ACTIVE', kind: 'RIDE', endedAt: null, totals: null });
    expect(ride.pullEvents().map((event) => event.type)).toEqual(['SessionStarted']);
    expect(ride.pullEvents()).toEqual([]);
  });

  it('finalizes a ride with exactly the sealed totals and records it', () => {
    const ride = anActiveRide();
    ride.pullEvents();
    ride.end(aLedger({ sealedAt: at(90.7) }));
    expect(ride.toSnapshot()).toMatchObject({
      state: 'FINALIZED',
      endedAt: at(90.7),
      totals: { energyWh: '120.5', energySource: 'TELEMETRY', distanceM: '2400', sampleCount: 12, durationS: 90 },
    });
    const [event] = ride.pullEvents();
    expect(event.type).toBe('SessionFinalized');
    expect(event.session.totals?.energyWh).toBe('120.5');
  });

  it('is finalized exactly once', () => {
    const ride = anActiveRide();
    ride.end(aLedger({ sealedAt: at(60) }));
    ride.pullEvents();
    expect(() => ride.end(aLedger({ energyWh: '999', sealedAt: at(120) }))).toThrow(SessionAlreadyFinalizedError);
    expect(ride.toSnapshot().totals?.energyWh).toBe('120.5');
    expect(ride.pullEvents()).toEqual([]);
  });

  it('never ends before it started', () => {
    expect(() => anActiveRide().end(aLedger({ sealedAt: at(-1) }))).toThrow(SessionEndsBeforeStartError);
  });

  it('gives a metered charge the sealed meter energy', () => {
    const charge = anActiveCharge({ metered: true });
    charge.end(aLedger({ energyWh: '7.125', sealedAt: at(3_600) }));
    expect(charge.toSnapshot().totals).toMatchObject({ energyWh: '7.125', energySource: 'TELEMETRY' });
  });

  it('gives an unmetered charge its rated power over the elapsed time', () => {
    const charge = anActiveCharge({ ratedPowerW: 3_600 });
    charge.end(aLedger({ energyWh: '0', sealedAt: at(1_800) }));
    expect(charge.toSnapshot().totals).toMatchObject({
      energyWh: '1800',
      energySource: 'RATED_POWER',
      durationS: 1_800,
    });
  });

  it('caps an unmetered charge at the battery space free when it started', () => {
    const charge = anActiveCharge({ ratedPowerW: 7_200, freeCapacityWh: '500.25' });
    charge.end(aLedger({ energyWh: '0', sealedAt: at(3_600) }));
    expect(charge.toSnapshot().totals?.energyWh).toBe('500.25');
  });

  it('rounds rated energy to the milliwatt-hour, half to even', () => {
    const charge = anActiveCharge({ ratedPowerW: 1 });
    charge.end(aLedger({ energyWh: '0', sealedAt: at(0.0045 * 3_600) }));
    expect(charge.toSnapshot().totals?.energyWh).toBe('0.004');
  });

  it('keeps its charge terms from the start, whatever the station does later', () => {
    const terms = someTerms();
    const charge = Session.startCharge({ id: 'charge-2', vehicleId: 'vehicle-1', terms, now: START });
    terms.ratedPowerW = 1;
    charge.end(aLedger({ sealedAt: at(3_600) }));
    expect(charge.toSnapshot().totals?.energyWh).toBe('3600');
  });
});
