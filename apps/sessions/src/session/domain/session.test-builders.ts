import { Session, type ChargeTerms, type SealedLedger } from './session.aggregate';

/** Test fixtures: sessions and what they are made of, each overridable. */
export const START = new Date('2026-03-01T10:00:00.000Z');
export const at = (seconds: number) => new Date(START.getTime() + seconds * 1000);

export const aLedger = (overrides: Partial<SealedLedger> = {}): SealedLedger => ({
  energyWh: '120.5',
  distanceM: '2400',
  sampleCount: 12,
  sealedAt: at(900),
  ...overrides,
});

export const someTerms = (overrides: Partial<ChargeTerms> = {}): ChargeTerms => ({
  stationId: 'station-1',
  ratedPowerW: 3_600,
  metered: false,
  timeZone: 'Europe/Amsterdam',
  freeCapacityWh: '10000',
  ...overrides,
});

export const anActiveRide = (overrides: Partial<{ id: string; vehicleId: string; riderId: string }> = {}) =>
  Session.startRide({ id: 'ride-1', vehicleId: 'vehicle-1', riderId: 'rider-1', now: START, ...overrides });

export const anActiveCharge = (
  terms: Partial<ChargeTerms> = {},
  overrides: Partial<{ id: string; vehicleId: string }> = {},
) => Session.startCharge({ id: 'charge-1', vehicleId: 'vehicle-1', terms: someTerms(terms), now: START, ...overrides });

export const aFinalizedRide = (
  ledger: Partial<SealedLedger> = {},
  overrides: Parameters<typeof anActiveRide>[0] = {},
) => {
  const ride = anActiveRide(overrides);
  ride.end(aLedger({ sealedAt: at(600), ...ledger }));
  return ride;
};
