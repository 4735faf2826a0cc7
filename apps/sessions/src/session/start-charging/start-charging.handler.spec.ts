import { RiderNotFoundError, StationNotFoundError, VehicleNotFoundError } from '../../fleet/domain/fleet.errors';
import { aRider, aStation, aVehicle } from '../../fleet/domain/fleet.test-builders';
import { StationHasActiveSessionError, VehicleHasActiveSessionError } from '../domain/session.errors';
import { anActiveCharge, anActiveRide } from '../domain/session.test-builders';
import { InMemorySessionsDatabase } from '../in-memory-sessions-database.fake';
import { StartChargingHandler } from './start-charging.handler';

describe('starting a charge', () => {
  const station = aStation({ ratedPowerW: 7_400, metered: true, timeZone: 'Europe/Berlin' });
  const fleet = {
    vehicles: [aVehicle({ batteryCapacityWh: '500', energyWh: '120.25' })],
    stations: [station],
    riders: [aRider()],
  };
  const startCharging = (
    database: InMemorySessionsDatabase,
    overrides: { id?: string; stationId?: string; riderId?: string } = {},
  ) =>
    new StartChargingHandler(database, database, database).execute({
      vehicleId: 'vehicle-1',
      stationId: 'station-1',
      ...overrides,
    });

  it('starts an Active charge that keeps the station’s terms and the battery’s free space', async () => {
    const database = new InMemorySessionsDatabase(fleet);
    const charge = await startCharging(database);
    expect(charge).toMatchObject({ kind: 'CHARGING', state: 'ACTIVE', vehicleId: 'vehicle-1', stationId: 'station-1' });
    expect(database.sessions.get(charge.id)?.charge).toEqual({
      stationId: 'station-1',
      ratedPowerW: 7_400,
      metered: true,
      timeZone: 'Europe/Berlin',
      freeCapacityWh: '379.75',
    });
    expect(database.outbox.map((event) => event.type)).toEqual(['SessionStarted']);
  });

  it('keeps who charges when the caller knows (an OCPP idTag names its rider), and needs that rider to exist', async () => {
    const database = new InMemorySessionsDatabase(fleet);
    expect(await startCharging(database, { riderId: 'rider-1' })).toMatchObject({ riderId: 'rider-1' });
    const unknown = new InMemorySessionsDatabase(fleet);
    await expect(startCharging(unknown, { riderId: 'rider-9' })).rejects.toBeInstanceOf(RiderNotFoundError);
    expect(unknown.sessions.size).toBe(0);
  });

  it('needs a vehicle and a station that exist', async () => {
    const database = new InMemorySessionsDatabase(fleet);
    await expect(startCharging(database, { stationId: 'station-9' })).rejects.toBeInstanceOf(StationNotFoundError);
    database.vehicles.clear();
    await expect(startCharging(database)).rejects.toBeInstanceOf(VehicleNotFoundError);
  });

  it('refuses a vehicle that is riding', async () => {
    const ride = anActiveRide();
    const database = new InMemorySessionsDatabase({ ...fleet, sessions: [ride] });
    await expect(startCharging(database)).rejects.toBeInstanceOf(VehicleHasActiveSessionError);
    expect(database.sessions.size).toBe(1);
  });

  it('refuses a station where another vehicle is charging, naming that charge', async () => {
    const other = anActiveCharge({}, { id: 'charge-0', vehicleId: 'vehicle-2' });
    const database = new InMemorySessionsDatabase({ ...fleet, sessions: [other] });
    const refusal = startCharging(database);
    await expect(refusal).rejects.toBeInstanceOf(StationHasActiveSessionError);
    await expect(refusal).rejects.toMatchObject({ details: { stationId: 'station-1', activeSessionId: 'charge-0' } });
    expect(database.outbox).toEqual([]);
  });

  it('gives a start retried with its id the charge it started, started once', async () => {
    const database = new InMemorySessionsDatabase(fleet);
    const first = await startCharging(database, { id: 'charge-7' });
    expect(await startCharging(database, { id: 'charge-7' })).toEqual(first);
    expect(database.outbox).toHaveLength(1);
  });

  it('gives a start retried after its charge ended that charge, and starts nothing', async () => {
    const database = new InMemorySessionsDatabase(fleet);
    const first = await startCharging(database, { id: 'charge-7' });
    const stored = database.sessions.get('charge-7');
    database.sessions.set('charge-7', { ...stored!, state: 'FINALIZED' });
    expect(await startCharging(database, { id: 'charge-7' })).toMatchObject({ id: first.id, state: 'FINALIZED' });
    expect(database.outbox).toHaveLength(1);
  });

  it('names an unknown rider before a busy vehicle, as a ride start does', async () => {
    const database = new InMemorySessionsDatabase({ ...fleet, sessions: [anActiveRide()] });
    await expect(startCharging(database, { riderId: 'rider-9' })).rejects.toBeInstanceOf(RiderNotFoundError);
    await expect(startCharging(database, { riderId: 'rider-1' })).rejects.toBeInstanceOf(VehicleHasActiveSessionError);
  });

  it('refuses an id that another start used for another kind of session', async () => {
    const database = new InMemorySessionsDatabase({ ...fleet, sessions: [anActiveRide({ id: 'ride-1' })] });
    await expect(startCharging(database, { id: 'ride-1' })).rejects.toThrow('belongs to another start');
    expect(database.sessions.size).toBe(1);
  });
});
