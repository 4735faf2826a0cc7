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
import { EndChargingHandler } from '../src/session/end-charging/end-charging.handler';
import { EndRideHandler } from '../src/session/end-ride/end-ride.handler';
import { StartChargingHandler } from '../src/session/start-charging/start-charging.handler';
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

  const sessionsDatabase = (): SessionsDatabase => ({
    transaction: (work) => dataSource.transaction(work),
    autocommit: dataSource.manager,
  });
  const finalizedEventsOf = (sessionId: string) =>
    dataSource.query(
      `SELECT count(*)::int AS n FROM outbox_message WHERE routing_key = 'session.finalized.v1' AND envelope->'payload'->>'sessionId' = $1`,
      [sessionId],
    );

  const start = (session: Session) =>
    dataSource.transaction((tx) =>
      saveStartedSession(tx, sessions, session, { earlier: async () => null, partiesExist: async () => undefined }),
    );
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

  it("lets a ride start racing the end of its vehicle's ride wait for that end, then start: no deadlock", async () => {
    const database = sessionsDatabase();
    const fleet = new TypeOrmFleetRepository();
    const [vehicleId, riderId] = [await inserted('vehicle'), await inserted('rider')];
    const first = await new StartRideHandler(database, fleet, sessions).execute({ vehicleId, riderId });

    // The end holds the ride and the vehicle and has finalized, uncommitted, when the next start arrives.
    const ending = dataSource.createQueryRunner();
    await ending.startTransaction();
    const locked = await sessions.lockForEnd(ending.manager, first.id);
    const ride = Session.fromSnapshot(locked!.session);
    ride.end({ energyWh: '1', distanceM: '1', sampleCount: 1, sealedAt: new Date() });
    expect(await sessions.saveFinalized(ending.manager, ride, '499', locked!)).toBe(true);
    let answered = false;
    const next = new StartRideHandler(database, fleet, sessions)
      .execute({ vehicleId, riderId })
      .finally(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(answered).toBe(false);
    await ending.commitTransaction();
    await ending.release();

    expect(await next).toMatchObject({ state: 'ACTIVE', vehicleId });
    expect((await sessions.findById(dataSource.manager, first.id))?.state).toBe('FINALIZED');
  });

  it('lets a ride start and a charge start of one vehicle race without a deadlock: one starts, one is refused', async () => {
    const database = sessionsDatabase();
    const fleet = new TypeOrmFleetRepository();
    const [vehicleId, riderId, stationId] = [
      await inserted('vehicle'),
      await inserted('rider'),
      await inserted('station'),
    ];
    // The charge start holds the vehicle while it looks up the station; the ride start arrives meanwhile.
    let stationLookedUp!: () => void;
    const lookingUpStation = new Promise<void>((resolve) => (stationLookedUp = resolve));
    const slowFleet = Object.assign(Object.create(fleet) as TypeOrmFleetRepository, {
      station: async (...args: Parameters<TypeOrmFleetRepository['station']>) => {
        stationLookedUp();
        await new Promise((resolve) => setTimeout(resolve, 400));
        return fleet.station(...args);
      },
    });
    const outcome = (work: Promise<unknown>) =>
      work.then(
        () => 'started',
        (error: { code?: string }) => error.code ?? String(error),
      );
    const charge = outcome(new StartChargingHandler(database, slowFleet, sessions).execute({ vehicleId, stationId }));
    await lookingUpStation;
    const ride = outcome(new StartRideHandler(database, fleet, sessions).execute({ vehicleId, riderId }));
    expect([await ride, await charge].sort()).toEqual(['VEHICLE_HAS_ACTIVE_SESSION', 'started']);
  });

  it('starts exactly one of 30 concurrent rides of one vehicle; the others name it', async () => {
    const database = sessionsDatabase();
    const handler = new StartRideHandler(database, new TypeOrmFleetRepository(), sessions);
    const vehicleId = await inserted('vehicle');
    const riders = await Promise.all(Array.from({ length: 30 }, () => inserted('rider')));
    const outcomes = await Promise.all(
      riders.map((riderId) =>
        handler.execute({ vehicleId, riderId }).then(
          (view) => ({ started: view.id }),
          (error: { code?: string; details?: { activeSessionId?: string } }) => ({
            refused: error.code,
            blocker: error.details?.activeSessionId,
          }),
        ),
      ),
    );
    const started = outcomes.flatMap((outcome) => ('started' in outcome ? [outcome.started] : []));
    expect(started).toHaveLength(1);
    expect(outcomes.filter((outcome) => 'refused' in outcome)).toEqual(
      Array.from({ length: 29 }, () => ({ refused: 'VEHICLE_HAS_ACTIVE_SESSION', blocker: started[0] })),
    );
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM session WHERE vehicle_id = $1`, [vehicleId])).toEqual(
      [{ n: 1 }],
    );
    expect(
      await dataSource.query(
        `SELECT count(*)::int AS n FROM outbox_message WHERE envelope->'payload'->>'sessionId' = $1`,
        [started[0]],
      ),
    ).toEqual([{ n: 1 }]);
  });

  it('finalizes one of 10 concurrent ends of a ride; the other nine answer 409 with the same record', async () => {
    const database = sessionsDatabase();
    const [vehicleId, riderId] = [await inserted('vehicle'), await inserted('rider')];
    const ride = await new StartRideHandler(database, new TypeOrmFleetRepository(), sessions).execute({
      vehicleId,
      riderId,
    });
    const sealedAt = new Date();
    const seal = { seal: async () => ({ energyWh: '2.5', distanceM: '10', sampleCount: 3, sealedAt }) };
    const end = new EndRideHandler(database, sessions, seal);
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, () =>
        end.execute(ride.id).then(
          (view) => ({ ended: view }),
          (error: { code?: string; details?: { session?: unknown } }) => ({
            refused: error.code,
            details: error.details,
          }),
        ),
      ),
    );
    const ended = outcomes.flatMap((outcome) => ('ended' in outcome ? [outcome.ended] : []));
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ state: 'FINALIZED', energyConsumedWh: 2.5 });
    const refusals = outcomes.filter((outcome) => 'refused' in outcome);
    expect(refusals).toHaveLength(9);
    for (const refusal of refusals)
      expect(refusal).toEqual({
        refused: 'SESSION_ALREADY_FINALIZED',
        details: { sessionId: ride.id, session: ended[0] },
      });
    // The battery gave the ride's energy once: 400 - 2.5.
    expect(await dataSource.query(`SELECT energy_wh FROM vehicle WHERE id = $1`, [vehicleId])).toEqual([
      { energy_wh: '397.500' },
    ]);
    expect(await finalizedEventsOf(ride.id)).toEqual([{ n: 1 }]);
  });

  it("finalizes a charge from the battery as it is when the vehicle's capacity changed after the end read it: the one-statement write refuses, the held transaction decides", async () => {
    const database = sessionsDatabase();
    // 400 of 500 Wh; the metered charge delivers 80 Wh; an operator lowers the capacity to 450 Wh meanwhile.
    const [vehicleId, stationId] = [await inserted('vehicle'), await inserted('station')];
    const charge = Session.startCharge({
      id: randomUUID(),
      vehicleId,
      terms: someTerms({ stationId, metered: true }),
      now: new Date(),
    });
    await start(charge);
    const sealed = { energyWh: '80', distanceM: '0', sampleCount: 3, sealedAt: new Date() };
    const requested = await sessions.requestEnd(dataSource.manager, charge.id, 'CHARGING');
    await dataSource.query(`UPDATE vehicle SET battery_capacity_wh = 450 WHERE id = $1`, [vehicleId]);

    // Computed from what the request read (capacity 500): 480 Wh, more than the battery now holds.
    const stale = Session.fromSnapshot(requested!.session);
    stale.end(sealed);
    expect(await sessions.saveFinalized(dataSource.manager, stale, '480', requested!)).toBe(false);
    expect((await sessions.findById(dataSource.manager, charge.id))?.state).toBe('ACTIVE');

    // The end as it runs: the capacity changes again while it waits for the seal, after its request read it.
    const seal = {
      seal: async () => {
        await dataSource.query(`UPDATE vehicle SET battery_capacity_wh = 460 WHERE id = $1`, [vehicleId]);
        return sealed;
      },
    };
    expect(await new EndChargingHandler(database, sessions, seal).execute(charge.id)).toMatchObject({
      state: 'FINALIZED',
    });
    expect(await dataSource.query(`SELECT energy_wh FROM vehicle WHERE id = $1`, [vehicleId])).toEqual([
      { energy_wh: '460.000' },
    ]);
    expect(await finalizedEventsOf(charge.id)).toEqual([{ n: 1 }]);
  });

  it('hands a requested, unfinished end to one claimer at a time, and again only after the delay', async () => {
    const [vehicleId, riderId] = [await inserted('vehicle'), await inserted('rider')];
    const ride = aRide(vehicleId, riderId);
    await start(ride);
    expect(await sessions.claimPendingEnds(dataSource.manager, 0, 1_000)).not.toContainEqual(
      expect.objectContaining({ sessionId: ride.id }),
    );
    await withCorrelation({ correlationId: 'end-request-1' }, () =>
      sessions.requestEnd(dataSource.manager, ride.id, 'RIDE'),
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
