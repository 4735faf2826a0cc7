import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  TELEMETRY_ROUTING,
  TelemetryRpc,
  type BackendService,
  type Page,
  type RejectionView,
  type RpcReply,
  type SealedTotals,
  type SealSessionRequest,
} from '@chargeflow/contracts';
import { ServiceProcess } from '@chargeflow/infra';
import { AmqpConnection, RpcClient } from '@chargeflow/messaging';
import { createStackEnvironment, RecordingLogger, waitFor, type StackEnvironment } from '@chargeflow/testing';

/**
 * A seal that comes before `session.started.v1` while samples of the session wait in the parking.
 * Telemetry runs alone: with no sessions service to describe the session, the periodic retry can
 * neither count nor refuse those samples, so what the seal does with them is all that happens to them.
 */
describe('a seal that overtakes the start of a session with parked samples', () => {
  let environment: StackEnvironment;
  let telemetry: ServiceProcess;
  let connection: AmqpConnection;
  let rpc: RpcClient;
  let database: Client;

  async function ok<T>(service: BackendService, pattern: string, payload: object): Promise<T> {
    const reply: RpcReply<T> = await rpc.request<T>(service, pattern, payload, {
      correlationId: 'seal-overtakes-start-test',
      timeoutMs: 10_000,
    });
    if (!reply.ok) throw new Error(`${pattern} failed: ${JSON.stringify(reply.error)}`);
    return reply.data;
  }

  /** The seal of a session nobody started here: its start event never comes. */
  const aSealOf = (kind: 'RIDE' | 'CHARGING', charge: Partial<SealSessionRequest> = {}): SealSessionRequest => ({
    sessionId: randomUUID(),
    kind,
    vehicleId: randomUUID(),
    stationId: kind === 'CHARGING' ? randomUUID() : null,
    startedAt: new Date(Date.now() - 60_000).toISOString(),
    ...charge,
  });

  /** Sets vehicle samples of `energies` Wh aside, as the ingest parks samples during a sessions outage. */
  const park = (seal: SealSessionRequest, energies: number[]) =>
    database.query(
      `INSERT INTO parked_sample (id, session_id, routing_key, content)
       SELECT gen_random_uuid(), $1, $2, content FROM unnest($3::bytea[]) AS content`,
      [
        seal.sessionId,
        TELEMETRY_ROUTING.vehicleSample(seal.vehicleId),
        energies.map((energyWh) =>
          Buffer.from(
            JSON.stringify({
              telemetryId: randomUUID(),
              sessionId: seal.sessionId,
              vehicleId: seal.vehicleId,
              emittedAt: new Date(Date.now() - 30_000).toISOString(),
              energyWh,
              distanceM: 1,
            }),
          ),
        ),
      ],
    );
  const stillParked = async (sessionId: string) =>
    (await database.query('SELECT 1 FROM parked_sample WHERE session_id = $1', [sessionId])).rowCount;
  const storedSamples = async (sessionId: string) =>
    (await database.query('SELECT 1 FROM telemetry_sample WHERE session_id = $1', [sessionId])).rowCount;
  const rejectionsOf = async (sessionId: string) =>
    (await ok<Page<RejectionView>>('telemetry', TelemetryRpc.listRejections, { sessionId, limit: 100 })).items;

  beforeAll(async () => {
    environment = await createStackEnvironment('seal_overtakes');
    telemetry = new ServiceProcess('telemetry', { env: environment.env, logDir: environment.logDir });
    telemetry.start();
    connection = await AmqpConnection.open({
      url: environment.vhost.url,
      name: 'seal-overtakes-start-test',
      logger: new RecordingLogger(),
    });
    rpc = await RpcClient.create(connection);
    database = new Client({ connectionString: environment.env.TELEMETRY_DATABASE_URL });
    await database.connect();
    await waitFor(
      async () =>
        (await rpc.request('telemetry', 'health.v1', {}, { correlationId: 'x', timeoutMs: 1_000 })).ok
          ? true
          : undefined,
      60_000,
      'telemetry',
      250,
    );
  });

  afterAll(async () => {
    await database?.end();
    rpc?.close();
    await connection?.close();
    await telemetry?.stop();
    await environment?.cleanup();
  });

  it("opens a ride's ledger from the seal and counts its parked samples before sealing", async () => {
    const seal = aSealOf('RIDE');
    await park(seal, [2, 3, 4]);
    expect(await ok<SealedTotals>('telemetry', TelemetryRpc.seal, seal)).toMatchObject({
      sessionId: seal.sessionId,
      energyWh: '9.000',
      sampleCount: 3,
    });
    expect(await stillParked(seal.sessionId)).toBe(0);
    expect(await rejectionsOf(seal.sessionId)).toEqual([]);
  });

  it("opens a charge's ledger with its station's metering: a vehicle's samples count at an unmetered station, not at a metered one", async () => {
    const unmetered = aSealOf('CHARGING', { stationMetered: false });
    const metered = aSealOf('CHARGING', { stationMetered: true });
    for (const seal of [unmetered, metered]) await park(seal, [2, 3, 4]);
    expect(await ok<SealedTotals>('telemetry', TelemetryRpc.seal, unmetered)).toMatchObject({
      energyWh: '9.000',
      sampleCount: 3,
    });
    // At a metered station only the station's meter counts: the vehicle's samples are stored, not counted.
    expect(await ok<SealedTotals>('telemetry', TelemetryRpc.seal, metered)).toMatchObject({ energyWh: '0.000' });
    for (const seal of [unmetered, metered]) {
      expect(await stillParked(seal.sessionId)).toBe(0);
      expect(await storedSamples(seal.sessionId)).toBe(3);
    }
  });

  it('seals empty, as before, a charge whose seal lacks its metering or its station: its parked samples are not counted', async () => {
    for (const seal of [aSealOf('CHARGING'), aSealOf('CHARGING', { stationMetered: false, stationId: null })]) {
      await park(seal, [2]);
      expect(await ok<SealedTotals>('telemetry', TelemetryRpc.seal, seal)).toMatchObject({
        energyWh: '0.000',
        sampleCount: 0,
      });
      expect(await storedSamples(seal.sessionId)).toBe(0);
    }
  });
});
