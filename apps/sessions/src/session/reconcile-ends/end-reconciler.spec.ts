import type { Logger } from 'pino';
import { RecordingLogger } from '@chargeflow/testing';
import { aVehicle } from '../../fleet/domain/fleet.test-builders';
import { TelemetryUnavailableError } from '../domain/session.errors';
import { aLedger, anActiveCharge, anActiveRide, at } from '../domain/session.test-builders';
import type { TelemetrySeal } from '../domain/telemetry-seal';
import { EndChargingHandler } from '../end-charging/end-charging.handler';
import { EndRideHandler } from '../end-ride/end-ride.handler';
import { InMemorySessionsDatabase } from '../in-memory-sessions-database.fake';
import { EndReconciler } from './end-reconciler';

describe('the end reconciler', () => {
  function reconcilerOf(database: InMemorySessionsDatabase, telemetry: TelemetrySeal) {
    const logger = new RecordingLogger();
    const reconciler = new EndReconciler(
      database,
      database,
      new EndRideHandler(database, database, telemetry),
      new EndChargingHandler(database, database, telemetry),
      { afterMs: 5_000, intervalMs: 1_000 },
      { child: () => logger } as unknown as Logger,
    );
    return { reconciler, logger };
  }

  it('finalizes a session whose end was requested but not finished, at the seal, once', async () => {
    const database = new InMemorySessionsDatabase({
      vehicles: [aVehicle({ energyWh: '400' })],
      sessions: [anActiveRide(), anActiveCharge({ metered: true }, { id: 'charge-1', vehicleId: 'vehicle-2' })],
    });
    database.vehicles.set('vehicle-2', aVehicle({ id: 'vehicle-2', energyWh: '100' }));
    const unavailable: TelemetrySeal = { seal: () => Promise.reject(new TelemetryUnavailableError('ride-1')) };
    const firstTry = new EndRideHandler(database, database, unavailable).execute('ride-1');
    await expect(firstTry).rejects.toBeInstanceOf(TelemetryUnavailableError);

    const sealed = aLedger({ energyWh: '20', sealedAt: at(120) });
    const seal = jest.fn(async () => sealed);
    const { reconciler } = reconcilerOf(database, { seal });
    expect(await reconciler.sweep()).toBe(1);
    expect(database.sessions.get('ride-1')).toMatchObject({
      state: 'FINALIZED',
      endedAt: at(120),
      totals: { energyWh: '20', durationS: 120 },
    });
    expect(database.sessions.get('charge-1')?.state).toBe('ACTIVE');
    expect(database.vehicles.get('vehicle-1')?.energyWh).toBe('380');
    expect(await reconciler.sweep()).toBe(0);
    expect(seal).toHaveBeenCalledTimes(1);
    expect(database.outbox.filter((event) => event.type === 'SessionFinalized')).toHaveLength(1);
  });

  it('keeps an end it could not finish for a later sweep, and logs why', async () => {
    const database = new InMemorySessionsDatabase({ vehicles: [aVehicle()], sessions: [anActiveRide()] });
    await database.requestEnd(database.autocommit, 'ride-1', 'RIDE');
    const { reconciler, logger } = reconcilerOf(database, {
      seal: () => Promise.reject(new TelemetryUnavailableError('ride-1')),
    });
    expect(await reconciler.sweep()).toBe(0);
    expect(database.sessions.get('ride-1')?.state).toBe('ACTIVE');
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ sessionId: 'ride-1' }) }),
    );
    const { reconciler: later } = reconcilerOf(database, { seal: async () => aLedger() });
    expect(await later.sweep()).toBe(1);
  });
});
