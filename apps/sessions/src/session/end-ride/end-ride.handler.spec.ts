import { aVehicle } from '../../fleet/domain/fleet.test-builders';
import {
  SessionAlreadyFinalizedError,
  SessionNotFoundError,
  TelemetryUnavailableError,
} from '../domain/session.errors';
import { aFinalizedRide, aLedger, anActiveCharge, anActiveRide, at } from '../domain/session.test-builders';
import type { TelemetrySeal } from '../domain/telemetry-seal';
import { InMemorySessionsDatabase } from '../in-memory-sessions-database.fake';
import { EndRideHandler } from './end-ride.handler';

describe('ending a ride', () => {
  beforeAll(() => jest.useFakeTimers({ now: at(900) }));
  afterAll(() => jest.useRealTimers());

  const sealing = (ledger = aLedger()) => ({
    seal: jest.fn(async () => ledger),
  });
  const endRideIn = (database: InMemorySessionsDatabase, telemetry: TelemetrySeal = sealing()) =>
    new EndRideHandler(database, database, telemetry);

  it('finalizes the ride with the totals telemetry sealed and takes its energy out of the battery', async () => {
    const database = new InMemorySessionsDatabase({
      vehicles: [aVehicle({ energyWh: '400' })],
      sessions: [anActiveRide()],
    });
    const ended = await endRideIn(database, sealing(aLedger({ energyWh: '120.5', distanceM: '2400' }))).execute(
      'ride-1',
    );
    expect(ended).toMatchObject({ state: 'FINALIZED', energyConsumedWh: 120.5, distanceM: 2400, durationS: 900 });
    expect(database.vehicles.get('vehicle-1')?.energyWh).toBe('279.5');
    expect(database.outbox.map((event) => event.type)).toEqual(['SessionFinalized']);
  });

  it('ends at the seal’s instant, not when the end runs: a retried end fixes the same end time and totals', async () => {
    const ledger = aLedger({ energyWh: '80', sealedAt: at(300) });
    const runs = [];
    for (const late of [0, 3_600]) {
      jest.setSystemTime(at(900 + late));
      const database = new InMemorySessionsDatabase({ vehicles: [aVehicle()], sessions: [anActiveRide()] });
      runs.push(await endRideIn(database, sealing(ledger)).execute('ride-1'));
    }
    jest.setSystemTime(at(900));
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[0]).toMatchObject({ endedAt: at(300).toISOString(), durationS: 300, energyConsumedWh: 80 });
  });

  it('records the end request before it asks telemetry to seal', async () => {
    const database = new InMemorySessionsDatabase({ vehicles: [aVehicle()], sessions: [anActiveRide()] });
    const requestedAtSeal: string[][] = [];
    const telemetry: TelemetrySeal = {
      seal: async () => {
        requestedAtSeal.push([...database.endRequests]);
        return aLedger();
      },
    };
    await endRideIn(database, telemetry).execute('ride-1');
    expect(requestedAtSeal).toEqual([['ride-1']]);
  });

  it('finds no ride under a charge’s id or an unknown one, and asks telemetry nothing', async () => {
    const telemetry = sealing();
    const endRide = endRideIn(new InMemorySessionsDatabase({ sessions: [anActiveCharge()] }), telemetry);
    await expect(endRide.execute('charge-1')).rejects.toBeInstanceOf(SessionNotFoundError);
    await expect(endRide.execute('ride-9')).rejects.toBeInstanceOf(SessionNotFoundError);
    expect(telemetry.seal).not.toHaveBeenCalled();
  });

  it('is finalized once: ending again hands back what the first end fixed, without a seal', async () => {
    const telemetry = sealing();
    const database = new InMemorySessionsDatabase({
      vehicles: [aVehicle()],
      sessions: [aFinalizedRide({ energyWh: '50' })],
    });
    const again = endRideIn(database, telemetry).execute('ride-1');
    await expect(again).rejects.toBeInstanceOf(SessionAlreadyFinalizedError);
    await expect(again).rejects.toMatchObject({ details: { session: { energyConsumedWh: 50 } } });
    expect(telemetry.seal).not.toHaveBeenCalled();
    expect(database.vehicles.get('vehicle-1')?.energyWh).toBe('400');
  });

  it('yields to an end that finalized the ride while telemetry was sealing it', async () => {
    const database = new InMemorySessionsDatabase({ vehicles: [aVehicle()], sessions: [anActiveRide()] });
    const racing: TelemetrySeal = {
      seal: async () => {
        database.sessions.set('ride-1', aFinalizedRide().toSnapshot());
        return aLedger();
      },
    };
    await expect(endRideIn(database, racing).execute('ride-1')).rejects.toBeInstanceOf(SessionAlreadyFinalizedError);
    expect(database.outbox).toEqual([]);
  });

  it('leaves the ride Active with its end requested when telemetry does not seal in time', async () => {
    const database = new InMemorySessionsDatabase({ vehicles: [aVehicle()], sessions: [anActiveRide()] });
    const silent: TelemetrySeal = { seal: () => Promise.reject(new TelemetryUnavailableError('ride-1')) };
    await expect(endRideIn(database, silent).execute('ride-1')).rejects.toBeInstanceOf(TelemetryUnavailableError);
    expect(database.sessions.get('ride-1')?.state).toBe('ACTIVE');
    expect(database.endRequests).toEqual(['ride-1']);
    expect(database.outbox).toEqual([]);
  });
});
