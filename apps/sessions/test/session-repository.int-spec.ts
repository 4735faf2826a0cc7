import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { withCorrelation } from '@chargeflow/messaging';
import { createIsolatedDatabase, type IsolatedDatabase } from '@chargeflow/testing';
import { sessionsMigrations } from '../src/migrations';
import { Session } from '../src/session/domain/session.aggregate';
import { StationHasActiveSessionError, VehicleHasActiveSessionError } from '../src/session/domain/session.errors';
import { someTerms } from '../src/session/domain/session.test-builders';
import { TypeOrmSessionRepository } from '../src/session/infrastructure/typeorm-session.repository';
import { saveStartedSession } from '../src/session/start-session';
import { TypeOrmFleetRepository } from '../src/fleet/infrastructure/typeorm-fleet.repository';
import type { SessionsDatabase } from '../src/session/domain/session.repository';
import { EndRideHandler } from '../src/session/end-ride/end-ride.handler';
import { StartRideHandler } from '../src/session/start-ride/start-ride.handler';

const INSERTS = {
  vehicle: `INSERT INTO vehicle (id, label, battery_capacity_wh, energy_wh) VALUES ($1, 'bike', 500, 400)`,
  station: `INSERT INTO station (id, name, rated_power_w, time_zone, metered) VALUES ($1, 'dock', 3600, 'UTC', false)`,
  rider: `INSERT INTO rider (id, name) VALUES ($1, 'Ada')`,
};

/** A second start meets the database's partial unique indexes, and the policy names the session that blocked it. */
describe('the session repository on real PostgreSQL', () => {
  let database: IsolatedDatabase;
  let dataSource: DataSource;
  const sessions = new TypeOrmSessionRepository();

  beforeAll(async () => {
    database = await createIsolatedDatabase('session-repository');
    dataSource = await new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: sessionsMigrations,
      migrationsRun: true,
    }).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  async function inserted(table: keyof typeof INSERTS): Promise<string> {
    const id = randomUUID();
    await dataSource.query(INSERTS[table], [id]);
    return id;
  }

  const start = (session: Session) => dataSource.transaction((tx) => saveStartedSession(tx, sessions, session));
  const refusalOf = (session: Session) =>
    start(session).then(
      () => null,
      (error: unknown) => error,
    );
  const aRide = (vehicleId: string, riderId: string) =>
    Session.startRide({ id: randomUUID(), vehicleId, riderId, now: new Date() });
  const aCharge = (vehicleId: string, stationId: string) =>
    Session.startCharge({ id: randomUUID(), vehicleId, terms: someTerms({ stationId }), now: new Date() });

  it('refuses a second active session of a vehicle as VEHICLE_HAS_ACTIVE_SESSION, naming the first', async () => {
    const [vehicleId, riderId] = [await inserted('vehicle'), await inserted('rider')];
    const first = aRide(vehicleId, riderId);
    await start(first);
    const second = aRide(vehicleId, riderId);
    const error = await refusalOf(second);
    expect(error).toBeInstanceOf(VehicleHasActiveSessionError);
    expect(error).toMatchObject({ details: { vehicleId, activeSessionId: first.id } });
    expect(await dataSource.query(`SELECT id FROM session WHERE id = $1`, [second.id])).toEqual([]);
  });

  it('refuses a second active session at a station as STATION_HAS_ACTIVE_SESSION, naming the first', async () => {
    const stationId = await inserted('station');
    const first = aCharge(await inserted('vehicle'), stationId);
    await start(first);
    const error = await refusalOf(aCharge(await inserted('vehicle'), stationId));
    expect(error).toBeInstanceOf(StationHasActiveSessionError);
    expect(error).toMatchObject({ details: { stationId, activeSessionId: first.id } });
  });

  it('refuses a start racing an end of the same vehicle, and the end completes: no deadlock', async () => {
    const database: SessionsDatabase = {
      transaction: (work) => dataSource.transaction(work),
      autocommit: dataSource.manager,
    };
    const fleet = new TypeOrmFleetRepository();
    const [vehicleId, riderId] = [await inserted('vehicle'), await inserted('rider')];
    const first = await new StartRideHandler(database, fleet, sessions).execute({ vehicleId, riderId });

    // The second start holds the vehicle's row while it looks up the rider; the end arrives meanwhile.
    let riderLookedUp!: () => void;
    const lookingUpRider = new Promise<void>((resolve) => (riderLookedUp = resolve));
    const slowFleet = Object.assign(Object.create(fleet) as TypeOrmFleetRepository, {
      rider: async (...args: Parameters<TypeOrmFleetRepository['rider']>) => {
        riderLookedUp();
        await new Promise((resolve) => setTimeout(resolve, 400));
        return fleet.rider(...args);
      },
    });
    const start = new StartRideHandler(database, slowFleet, sessions).execute({ vehicleId, riderId }).then(
      () => null,
      (error: unknown) => error,
    );
    await lookingUpRider;
    const seal = { seal: async () => ({ energyWh: '1', distanceM: '1', sampleCount: 1, sealedAt: new Date() }) };
    const ended = await new EndRideHandler(database, fleet, sessions, seal).execute(first.id);

    expect(ended.state).toBe('FINALIZED');
    expect(await start).toMatchObject({ code: 'VEHICLE_HAS_ACTIVE_SESSION', details: { activeSessionId: first.id } });
  });

  it('hands a requested, unfinished end to one claimer at a time, and again only after the delay', async () => {
    const [vehicleId, riderId] = [await inserted('vehicle'), await inserted('rider')];
    const ride = aRide(vehicleId, riderId);
    await start(ride);
    expect(await sessions.claimPendingEnds(dataSource.manager, 0, 1_000)).not.toContainEqual(
      expect.objectContaining({ sessionId: ride.id }),
    );
    await withCorrelation({ correlationId: 'end-request-1' }, () =>
      sessions.recordEndRequest(dataSource.manager, ride.id),
    );
    await dataSource.query(`UPDATE session SET end_attempted_at = now() - interval '10 seconds' WHERE id = $1`, [
      ride.id,
    ]);

    const claims = await Promise.all(
      [1, 2, 3].map(() => dataSource.transaction((tx) => sessions.claimPendingEnds(tx, 5_000, 1_000))),
    );
    const mine = claims.map((claimed) => claimed.filter((end) => end.sessionId === ride.id));
    expect(mine.flat()).toEqual([{ sessionId: ride.id, kind: 'RIDE', correlationId: 'end-request-1' }]);
    expect(await sessions.claimPendingEnds(dataSource.manager, 5_000, 1_000)).not.toContainEqual(
      expect.objectContaining({ sessionId: ride.id }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await sessions.claimPendingEnds(dataSource.manager, 200, 1_000)).toContainEqual(
      expect.objectContaining({ sessionId: ride.id }),
    );
  });
});
