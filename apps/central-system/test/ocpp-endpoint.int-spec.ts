import { randomBytes, randomUUID } from 'node:crypto';
import { connect as amqpConnect, type Channel } from 'amqplib';
import { Client } from 'pg';
import type { RPCClient } from 'ocpp-rpc';
import {
  ChargePointRpc,
  CONNECTOR_STATUS_CHANGED_V1,
  Exchanges,
  createEnvelope,
  OCPP_FRAME_LOGGED_V1,
  OCPP_FRAMES_LOGGED_V1,
  Queues,
  type ChargePointView,
  type ConnectorStatusChangedV1,
  type ConnectorStatusView,
  type Envelope,
  type OcppFrameView,
  type Page,
  type RpcReply,
} from '@chargeflow/contracts';
import { ServiceProcess } from '@chargeflow/infra';
import { AmqpConnection, ORIGINAL_ROUTING_KEY_HEADER, RpcClient } from '@chargeflow/messaging';
import {
  aChargePoint,
  createStackEnvironment,
  freePort,
  RecordingLogger,
  upgradeRefusal,
  waitFor,
  type StackEnvironment,
} from '@chargeflow/testing';

/** The central-system as a real process: charge points registered over RPC, connecting over OCPP-J. */
describe('the OCPP 1.6J endpoint', () => {
  let environment: StackEnvironment;
  let central: ServiceProcess;
  let connection: AmqpConnection;
  let rpc: RpcClient;
  let events: Envelope<ConnectorStatusChangedV1>[];
  const clients: RPCClient[] = [];

  function call<T>(pattern: string, payload: object): Promise<RpcReply<T>> {
    return rpc.request<T>('central-system', pattern, payload, { correlationId: 'ocpp-test', timeoutMs: 10_000 });
  }

  async function registered(): Promise<{ identity: string; password: string }> {
    const identity = `CP-${randomBytes(4).toString('hex')}`;
    const password = randomBytes(18).toString('base64url');
    const reply = await call<ChargePointView>(ChargePointRpc.register, { chargePointId: identity, password });
    expect(reply).toMatchObject({ ok: true, data: { chargePointId: identity } });
    return { identity, password };
  }

  async function connected(options: { strictMode?: boolean } = {}): Promise<{ client: RPCClient; identity: string }> {
    const { identity, password } = await registered();
    const client = aChargePoint({ endpoint: environment.ocppUrl, identity, password, ...options });
    clients.push(client);
    await client.connect();
    return { client, identity };
  }

  beforeAll(async () => {
    environment = await createStackEnvironment('ocpp');
    central = new ServiceProcess('central-system', { env: environment.env, logDir: environment.logDir });
    central.start();
    connection = await AmqpConnection.open({
      url: environment.vhost.url,
      name: 'ocpp-test',
      logger: new RecordingLogger(),
    });
    rpc = await RpcClient.create(connection);
    events = [];
    await connection.onConnected(async (model) => {
      const channel: Channel = await model.createChannel();
      await channel.assertExchange(Exchanges.events, 'topic', { durable: true });
      await channel.assertQueue('test.connector-events', { durable: true });
      await channel.bindQueue('test.connector-events', Exchanges.events, CONNECTOR_STATUS_CHANGED_V1);
      await channel.consume('test.connector-events', (message) => {
        if (!message) return;
        events.push(JSON.parse(message.content.toString()) as Envelope<ConnectorStatusChangedV1>);
        channel.ack(message);
      });
    });
    await waitFor(
      async () => ((await call('health.v1', {}).catch(() => null))?.ok ? true : undefined),
      60_000,
      'the central-system to answer',
      250,
    );
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close({ force: true })));
    rpc?.close();
    await connection?.close();
    await central?.stop();
    await environment?.cleanup();
  });

  it('stores only a hash of a charge point’s password and refuses a second registration of its id', async () => {
    const { identity, password } = await registered();
    const again = await call(ChargePointRpc.register, { chargePointId: identity, password: `${password}x` });
    expect(again).toMatchObject({ ok: false, error: { code: 'CHARGE_POINT_ALREADY_REGISTERED' } });
    const database = new Client({ connectionString: environment.env.CENTRAL_SYSTEM_DATABASE_URL });
    await database.connect();
    try {
      const { rows } = await database.query('SELECT password_hash FROM charge_point WHERE charge_point_id = $1', [
        identity,
      ]);
      expect(rows).toHaveLength(1);
      expect(rows[0].password_hash).toMatch(/^scrypt\$/);
      expect(rows[0].password_hash).not.toContain(password);
    } finally {
      await database.end();
    }
  });

  it('refuses a registration whose id or password breaks the rules', async () => {
    for (const request of [
      { chargePointId: 'has space', password: 'p'.repeat(20) },
      { chargePointId: 'a/b', password: 'p'.repeat(20) },
      { chargePointId: 'x'.repeat(49), password: 'p'.repeat(20) },
      { chargePointId: 'CP-short', password: 'p'.repeat(15) },
      { chargePointId: 'CP-long', password: 'p'.repeat(41) },
    ]) {
      expect(await call(ChargePointRpc.register, request)).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED' },
      });
    }
  });

  it('refuses the WebSocket upgrade with 401 for an unknown charge point, a wrong password or none', async () => {
    const { identity, password } = await registered();
    const endpoint = environment.ocppUrl;
    expect(await upgradeRefusal(aChargePoint({ endpoint, identity: 'CP-unknown', password }))).toBe(401);
    expect(await upgradeRefusal(aChargePoint({ endpoint, identity, password: `${password}!` }))).toBe(401);
    expect(await upgradeRefusal(aChargePoint({ endpoint, identity }))).toBe(401);
    expect(await upgradeRefusal(aChargePoint({ endpoint: `${endpoint}/nested`, identity, password }))).toBe(404);
    expect(await upgradeRefusal(aChargePoint({ endpoint, identity, password }))).toBeUndefined();
  });

  it('accepts a registered charge point’s BootNotification and answers its Heartbeat with the time', async () => {
    const { client } = await connected();
    const boot = (await client.call('BootNotification', {
      chargePointVendor: 'ChargeFlow',
      chargePointModel: 'Test-1',
    })) as { status: string; interval: number; currentTime: string };
    expect(boot).toEqual({ status: 'Accepted', interval: 300, currentTime: expect.any(String) });
    const heartbeat = (await client.call('Heartbeat', {})) as { currentTime: string };
    expect(Math.abs(Date.parse(heartbeat.currentTime) - Date.now())).toBeLessThan(60_000);
  });

  it('keeps each connector’s newest status and publishes every change as connector.status-changed.v1', async () => {
    const { client, identity } = await connected();
    const base = Date.now() - 60_000;
    const at = (offsetMs: number) => new Date(base + offsetMs).toISOString();
    await client.call('StatusNotification', {
      connectorId: 1,
      errorCode: 'NoError',
      status: 'Preparing',
      timestamp: at(0),
    });
    await client.call('StatusNotification', {
      connectorId: 1,
      errorCode: 'NoError',
      status: 'Charging',
      timestamp: at(2),
    });
    // A late retry of an older status is answered and changes nothing.
    expect(
      await client.call('StatusNotification', {
        connectorId: 1,
        errorCode: 'NoError',
        status: 'Preparing',
        timestamp: at(1),
      }),
    ).toEqual({});
    await client.call('StatusNotification', { connectorId: 2, errorCode: 'GroundFailure', status: 'Faulted' });

    const one = await call<ConnectorStatusView>(ChargePointRpc.connectorStatus, {
      chargePointId: identity,
      connectorId: 1,
    });
    expect(one).toEqual({
      ok: true,
      data: { chargePointId: identity, connectorId: 1, status: 'Charging', errorCode: 'NoError', statusAt: at(2) },
    });
    const two = await call<ConnectorStatusView>(ChargePointRpc.connectorStatus, {
      chargePointId: identity,
      connectorId: 2,
    });
    expect(two).toMatchObject({ ok: true, data: { status: 'Faulted', errorCode: 'GroundFailure' } });
    const never = await call<ConnectorStatusView>(ChargePointRpc.connectorStatus, {
      chargePointId: identity,
      connectorId: 3,
    });
    expect(never).toMatchObject({ ok: true, data: { status: null, errorCode: null, statusAt: null } });

    const published = await waitFor(
      async () => {
        const mine = events.filter((event) => event.payload.chargePointId === identity);
        return mine.length >= 3 ? mine : undefined;
      },
      15_000,
      'three connector events',
      100,
    );
    expect(published.map((event) => [event.type, event.payload.connectorId, event.payload.status])).toEqual([
      [CONNECTOR_STATUS_CHANGED_V1, 1, 'Preparing'],
      [CONNECTOR_STATUS_CHANGED_V1, 1, 'Charging'],
      [CONNECTOR_STATUS_CHANGED_V1, 2, 'Faulted'],
    ]);
  });

  it('counts a status from the future as now, so a wrong clock cannot freeze a connector', async () => {
    const { client, identity } = await connected();
    const future = new Date(Date.now() + 365 * 86_400_000).toISOString();
    await client.call('StatusNotification', {
      connectorId: 1,
      errorCode: 'NoError',
      status: 'Unavailable',
      timestamp: future,
    });
    await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    const status = await call<ConnectorStatusView>(ChargePointRpc.connectorStatus, {
      chargePointId: identity,
      connectorId: 1,
    });
    expect(status).toMatchObject({ ok: true, data: { status: 'Available' } });
  });

  it('answers an action it has no handler for with NotImplemented and a frame against the schema with its CALLERROR', async () => {
    const { client } = await connected({ strictMode: false });
    await expect(client.call('FlyToTheMoon', {})).rejects.toMatchObject({ rpcErrorCode: 'NotImplemented' });
    await expect(client.call('BootNotification', { chargePointVendor: 'ChargeFlow' })).rejects.toMatchObject({
      rpcErrorCode: 'OccurrenceConstraintViolation',
    });
    await expect(
      client.call('BootNotification', { chargePointVendor: 42, chargePointModel: 'Test-1' }),
    ).rejects.toMatchObject({ rpcErrorCode: 'TypeConstraintViolation' });
    await expect(
      client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Exploded' }),
    ).rejects.toMatchObject({ rpcErrorCode: 'FormationViolation' });
    await expect(client.call('Heartbeat', { smuggled: 'field' })).rejects.toMatchObject({
      rpcErrorCode: 'PropertyConstraintViolation',
    });
    // The connection survives every refusal.
    expect(await client.call('Heartbeat', {})).toEqual({ currentTime: expect.any(String) });
  });

  async function logOf(query: object, count: number): Promise<OcppFrameView[]> {
    return waitFor(
      async () => {
        const reply = await call<Page<OcppFrameView>>(ChargePointRpc.searchLog, { limit: 1_000, ...query });
        return reply.ok && reply.data.items.length >= count ? reply.data.items : undefined;
      },
      15_000,
      `${count} logged frames`,
      100,
    );
  }

  it('logs every frame in both directions, newest first, with action, message id and transaction', async () => {
    const { client, identity } = await connected();
    await client.call('Heartbeat', {});
    await client.call('StatusNotification', { connectorId: 1, errorCode: 'NoError', status: 'Available' });
    // A StopTransaction for a transaction nobody has is answered, logged, and changes nothing.
    expect(
      await client.call('StopTransaction', { transactionId: 4242, meterStop: 10, timestamp: new Date().toISOString() }),
    ).toEqual({});
    const frames = await logOf({ chargePointId: identity }, 6);
    expect(frames.map((frame) => [frame.direction, frame.messageType, frame.action])).toEqual([
      ['OUT', 3, 'StopTransaction'],
      ['IN', 2, 'StopTransaction'],
      ['OUT', 3, 'StatusNotification'],
      ['IN', 2, 'StatusNotification'],
      ['OUT', 3, 'Heartbeat'],
      ['IN', 2, 'Heartbeat'],
    ]);
    expect(frames[1]).toMatchObject({ chargePointId: identity, transactionId: 4242, error: null });
    expect(frames[0].messageId).toBe(frames[1].messageId);
    expect(JSON.parse(frames[1].payload)).toEqual([
      2,
      frames[1].messageId,
      'StopTransaction',
      expect.objectContaining({ transactionId: 4242 }),
    ]);

    expect((await logOf({ chargePointId: identity, action: 'Heartbeat' }, 2)).map((frame) => frame.direction)).toEqual([
      'OUT',
      'IN',
    ]);
    expect(await logOf({ transactionId: 4242, chargePointId: identity }, 1)).toHaveLength(1);
    expect((await logOf({ chargePointId: identity, q: 'available' }, 1)).map((frame) => frame.action)).toEqual([
      'StatusNotification',
    ]);
    const none = await call<Page<OcppFrameView>>(ChargePointRpc.searchLog, { chargePointId: identity, q: '%' });
    expect(none).toMatchObject({ ok: true, data: { items: [] } });

    const first = await call<Page<OcppFrameView>>(ChargePointRpc.searchLog, { chargePointId: identity, limit: 4 });
    if (!first.ok) throw new Error('no first page');
    const rest = await call<Page<OcppFrameView>>(ChargePointRpc.searchLog, {
      chargePointId: identity,
      limit: 4,
      cursor: first.data.nextCursor,
    });
    if (!rest.ok) throw new Error('no second page');
    expect([...first.data.items, ...rest.data.items].map((frame) => frame.frameId)).toEqual(
      frames.map((frame) => frame.frameId),
    );
    expect(rest.data.nextCursor).toBeNull();
    expect(await call(ChargePointRpc.searchLog, { limit: 1_001 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(await call(ChargePointRpc.searchLog, { q: 'x'.repeat(101) })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED' },
    });
    expect(await call(ChargePointRpc.searchLog, { q: 'x'.repeat(100) })).toMatchObject({ ok: true });
  });

  it('keeps a frame refused by the schema, or not OCPP-J at all, with the reason it was refused', async () => {
    const { client, identity } = await connected({ strictMode: false });
    await expect(
      client.call('BootNotification', { chargePointVendor: 42, chargePointModel: 'X' }),
    ).rejects.toMatchObject({
      rpcErrorCode: 'TypeConstraintViolation',
    });
    client.sendRaw('this is not json');
    const frames = await logOf({ chargePointId: identity }, 4);
    const [garbageAnswer, garbage, refusal, boot] = frames;
    expect(boot).toMatchObject({ direction: 'IN', action: 'BootNotification', messageType: 2 });
    expect(refusal).toMatchObject({
      direction: 'OUT',
      messageType: 4,
      action: 'BootNotification',
      messageId: boot.messageId,
      error: expect.stringMatching(/^TypeConstraintViolation: /),
    });
    expect(garbage).toMatchObject({
      direction: 'IN',
      messageType: null,
      payload: 'this is not json',
      error: 'not JSON',
    });
    expect(garbageAnswer).toMatchObject({
      direction: 'OUT',
      messageType: 4,
      error: expect.stringMatching(/^RpcFrameworkError: /),
    });
    expect(await client.call('Heartbeat', {})).toEqual({ currentTime: expect.any(String) });
  });
  it('keeps a frame holding a NUL, escaped in an id or raw in the payload, and the frames around it', async () => {
    const { client, identity } = await connected({ strictMode: false });
    client.sendRaw('[2,"nul\\u0000id","Heartbeat",{}]');
    client.sendRaw('raw \u0000 byte');
    expect(await client.call('Heartbeat', {})).toEqual({ currentTime: expect.any(String) });
    const frames = await logOf({ chargePointId: identity }, 6);
    expect(frames.map((frame) => frame.direction).sort()).toEqual(['IN', 'IN', 'IN', 'OUT', 'OUT', 'OUT']);
    expect(frames.some((frame) => frame.messageId === 'nul\uFFFDid')).toBe(true);
    expect(frames.some((frame) => frame.payload === 'raw \uFFFD byte')).toBe(true);
  });

  it('answers CHARGE_POINT_NOT_CONNECTED once the instance holding a charge point is killed, until it reconnects elsewhere', async () => {
    const port = await freePort();
    const doomed = new ServiceProcess('central-system', {
      env: { ...environment.env, CENTRAL_SYSTEM_PORT: String(port) },
      logDir: environment.logDir,
    });
    doomed.start();
    try {
      const { identity, password } = await registered();
      const first = aChargePoint({ endpoint: `ws://127.0.0.1:${port}/ocpp`, identity, password });
      clients.push(first);
      await waitFor(
        () =>
          first.connect().then(
            () => true,
            () => undefined,
          ),
        120_000,
        'the second instance to take connections',
        500,
      );
      first.handle('RemoteStartTransaction', async () => ({ status: 'Accepted' }));
      const remoteStart = { chargePointId: identity, connectorId: 1, idTag: 'TAG1' };
      await waitFor(
        async () => ((await call(ChargePointRpc.remoteStart, remoteStart)).ok ? true : undefined),
        10_000,
        'the connection to be recorded',
        200,
      );

      // A crash: no close handler runs, so the database still names the dead instance for this charge point.
      await doomed.kill();
      const database = new Client({ connectionString: environment.env.CENTRAL_SYSTEM_DATABASE_URL });
      await database.connect();
      try {
        const { rows } = await database.query(
          `SELECT count(*)::int AS n FROM charge_point_connection WHERE charge_point_id = $1`,
          [identity],
        );
        expect(rows[0].n).toBe(1);
      } finally {
        await database.end();
      }
      expect(await call(ChargePointRpc.remoteStart, remoteStart)).toMatchObject({
        ok: false,
        error: { code: 'CHARGE_POINT_NOT_CONNECTED' },
      });

      const moved = aChargePoint({ endpoint: environment.ocppUrl, identity, password });
      clients.push(moved);
      const asked: unknown[] = [];
      moved.handle('RemoteStartTransaction', async ({ params }) => {
        asked.push(params);
        return { status: 'Rejected' };
      });
      await moved.connect();
      await waitFor(
        async () => ((await call(ChargePointRpc.remoteStart, remoteStart)).ok ? true : undefined),
        10_000,
        'commands to reach the reconnected charge point',
        200,
      );
      expect(await call(ChargePointRpc.remoteStart, remoteStart)).toEqual({ ok: true, data: { status: 'Rejected' } });
      expect(asked[0]).toEqual({ connectorId: 1, idTag: 'TAG1' });
    } finally {
      await doomed.stop();
    }
  });
  it('stores frames in batches and sends a message that is no frame to the protocol log’s dead-letter queue', async () => {
    const { client, identity } = await connected();
    const model = await amqpConnect(environment.vhost.url);
    const channel = await model.createConfirmChannel();
    try {
      channel.publish(Exchanges.events, OCPP_FRAME_LOGGED_V1, Buffer.from('{ not a frame'), { persistent: true });
      await channel.waitForConfirms();
      await Promise.all(Array.from({ length: 30 }, () => client.call('Heartbeat', {})));
      const page = await waitFor(
        async () => {
          const reply = await call<Page<OcppFrameView>>(ChargePointRpc.searchLog, {
            chargePointId: identity,
            limit: 100,
          });
          return reply.ok && reply.data.items.length === 60 ? reply.data : undefined;
        },
        15_000,
        'the 30 Heartbeats and their answers in the log',
        200,
      );
      expect(new Set(page.items.map((frame) => frame.frameId)).size).toBe(60);
      const parked = await waitFor(
        async () => (await channel.get(`${Queues.centralSystemProtocolLog}.dlq`)) || undefined,
        15_000,
        'the message that is no frame in the dead-letter queue',
        200,
      );
      expect(parked.content.toString()).toBe('{ not a frame');
      expect(parked.properties.headers?.['x-rejection-reason']).toBe('MALFORMED_JSON');
      channel.ack(parked);
    } finally {
      await model.close();
    }
  });

  /** A frame as a central-system sends it to the protocol log, of the charge point `chargePointId`. */
  const aLoggedFrame = (chargePointId: string, overrides: Record<string, unknown> = {}) => ({
    frameId: randomUUID(),
    chargePointId,
    direction: 'IN',
    messageType: 2,
    messageId: randomUUID(),
    action: 'MeterValues',
    transactionId: null,
    at: new Date().toISOString(),
    payload: '[2,"m","MeterValues",{}]',
    error: null,
    ...overrides,
  });

  /** The headers of the message `messageId` once in the protocol log's dead-letter queue (others' are taken too). */
  async function parkedHeaders(channel: Channel, messageId: string): Promise<Record<string, unknown>[]> {
    const dlq = `${Queues.centralSystemProtocolLog}.dlq`;
    const parked: Record<string, unknown>[] = [];
    const takeParked = async () => {
      for (let message = await channel.get(dlq); message; message = await channel.get(dlq)) {
        if (message.content.toString().includes(messageId)) parked.push(message.properties.headers ?? {});
        channel.ack(message);
      }
    };
    await waitFor(
      async () => {
        await takeParked();
        return parked.length > 0 ? true : undefined;
      },
      15_000,
      'the message in the dead-letter queue',
      200,
    );
    // A second copy, if there were one, would follow within moments.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await takeParked();
    return parked;
  }

  it('stores the good frames of a batch with one it cannot store, and dead-letters that message once', async () => {
    const identity = `BATCH-${randomBytes(4).toString('hex')}`;
    // An integer the contract takes and the table's integer column refuses: twice, in one message.
    const frames = [1, 2 ** 40, 2, 2 ** 41].map((transactionId) => aLoggedFrame(identity, { transactionId }));
    const model = await amqpConnect(environment.vhost.url);
    const channel = await model.createConfirmChannel();
    try {
      const envelope = createEnvelope(OCPP_FRAMES_LOGGED_V1, { frames }, { correlationId: 'batch-test' });
      channel.publish(Exchanges.events, OCPP_FRAMES_LOGGED_V1, Buffer.from(JSON.stringify(envelope)), {
        persistent: true,
      });
      await channel.waitForConfirms();
      const logged = await logOf({ chargePointId: identity }, 2);
      expect(logged.map((item) => item.transactionId).sort()).toEqual([1, 2]);
      const parked = await parkedHeaders(channel, envelope.messageId);
      expect(parked.map((headers) => headers['x-rejection-reason'])).toEqual(['UNSTORABLE']);
    } finally {
      await model.close();
    }
  });

  it('dead-letters a batch with a frame that breaks the contract, naming the field, and stores the next batch', async () => {
    const identity = `BROKEN-${randomBytes(4).toString('hex')}`;
    const broken = createEnvelope(
      OCPP_FRAMES_LOGGED_V1,
      { frames: [aLoggedFrame(identity, { transactionId: 1 }), aLoggedFrame(identity, { direction: 'SIDEWAYS' })] },
      { correlationId: 'broken-batch-test' },
    );
    const next = createEnvelope(
      OCPP_FRAMES_LOGGED_V1,
      { frames: [aLoggedFrame(identity, { transactionId: 3 })] },
      { correlationId: 'next-batch-test' },
    );
    const model = await amqpConnect(environment.vhost.url);
    const channel = await model.createConfirmChannel();
    try {
      for (const envelope of [broken, next]) {
        channel.publish(Exchanges.events, OCPP_FRAMES_LOGGED_V1, Buffer.from(JSON.stringify(envelope)), {
          persistent: true,
        });
      }
      await channel.waitForConfirms();
      const logged = await logOf({ chargePointId: identity }, 1);
      const parked = await parkedHeaders(channel, broken.messageId);
      expect(logged.map((item) => item.transactionId)).toEqual([3]);
      expect(parked).toEqual([
        expect.objectContaining({
          'x-rejection-reason': 'INVALID_PAYLOAD',
          'x-rejection-detail': expect.stringContaining('frames.1.direction'),
        }),
      ]);
    } finally {
      await model.close();
    }
  });

  it('stores a single frame replayed from the dead-letter queue, straight to the queue with its routing key in a header', async () => {
    const identity = `REPLAY-${randomBytes(4).toString('hex')}`;
    const frame = aLoggedFrame(identity, { action: 'Heartbeat', payload: '[2,"m","Heartbeat",{}]' });
    const model = await amqpConnect(environment.vhost.url);
    const channel = await model.createConfirmChannel();
    try {
      const envelope = createEnvelope(OCPP_FRAME_LOGGED_V1, frame, { correlationId: 'replay-test' });
      channel.sendToQueue(Queues.centralSystemProtocolLog, Buffer.from(JSON.stringify(envelope)), {
        persistent: true,
        headers: { [ORIGINAL_ROUTING_KEY_HEADER]: OCPP_FRAME_LOGGED_V1 },
      });
      await channel.waitForConfirms();
      expect((await logOf({ chargePointId: identity }, 1)).map((item) => item.frameId)).toEqual([frame.frameId]);
    } finally {
      await model.close();
    }
  });
});
