import { RiderNotFoundError, VehicleNotFoundError } from '../../fleet/domain/fleet.errors';
import { aRider, aVehicle } from '../../fleet/domain/fleet.test-builders';
import { VehicleHasActiveSessionError } from '../domain/session.errors';
import { anActiveCharge } from '../domain/session.test-builders';
import { InMemorySessionsDatabase } from '../in-memory-sessions-database.fake';
import { StartRideHandler } from './start-ride.handler';

describe('starting a ride', () => {
  const aRequest = (overrides: { id?: string; vehicleId?: string; riderId?: string } = {}) => ({
    vehicleId: 'vehicle-1',
    riderId: 'rider-1',
    ...overrides,
  });
  const startRideOn = (database: InMemorySessionsDatabase) => new StartRideHandler(database, database, database);

  it('starts an Active ride of the rider on the vehicle and records that it started', async () => {
    const database = new InMemorySessionsDatabase({ vehicles: [aVehicle()], riders: [aRider()] });
    const ride = await startRideOn(database).execute(aRequest());
    expect(ride).toMatchObject({ kind: 'RIDE', state: 'ACTIVE', vehicleId: 'vehicle-1', riderId: 'rider-1' });
    expect(database.sessions.get(ride.id)?.state).toBe('ACTIVE');
    expect(database.outbox.map((event) => [event.type, event.session.id])).toEqual([['SessionStarted', ride.id]]);
  });

  it('needs a vehicle and a rider that exist', async () => {
    const database = new InMemorySessionsDatabase({ vehicles: [aVehicle()], riders: [aRider()] });
    await expect(startRideOn(database).execute(aRequest({ vehicleId: 'vehicle-9' }))).rejects.toBeInstanceOf(
      VehicleNotFoundError,
    );
    await expect(startRideOn(database).execute(aRequest({ riderId: 'rider-9' }))).rejects.toBeInstanceOf(
      RiderNotFoundError,
    );
    expect(database.sessions.size).toBe(0);
  });

  it('refuses a vehicle that has an active session, whatever its kind', async () => {
    const charging = anActiveCharge();
    const database = new InMemorySessionsDatabase({ vehicles: [aVehicle()], riders: [aRider()], sessions: [charging] });
    const refusal = startRideOn(database).execute(aRequest());
    await expect(refusal).rejects.toBeInstanceOf(VehicleHasActiveSessionError);
    await expect(refusal).rejects.toMatchObject({ details: { activeSessionId: charging.id } });
    expect(database.outbox).toEqual([]);
  });

  it('gives a start retried with its id the ride it started, started once', async () => {
    const database = new InMemorySessionsDatabase({ vehicles: [aVehicle()], riders: [aRider()] });
    const first = await startRideOn(database).execute(aRequest({ id: 'ride-7' }));
    expect(await startRideOn(database).execute(aRequest({ id: 'ride-7' }))).toEqual(first);
    expect(database.outbox).toHaveLength(1);
  });
});
