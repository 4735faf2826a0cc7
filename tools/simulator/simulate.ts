import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import Decimal from 'decimal.js';
import mqtt, { type MqttClient } from 'mqtt';
import { RPCClient } from 'ocpp-rpc';
import type { RPC_ClientOptions } from 'ocpp-rpc/lib/client';
import { DEFAULT_CENTRAL_SYSTEM_PORT, DEFAULT_RABBITMQ_URL, Exchanges, TELEMETRY_ROUTING } from '@chargeflow/contracts';
import {
  planFleet,
  seedDeterminedFiguresOf,
  type FleetPlan,
  type PlannedCharge,
  type PlannedRide,
  type PlannedSession,
} from './fleet-plan';

const USAGE = `usage: npm run simulate -- [--vehicles 50] [--stations 10] [--minutes 10] [--seed 7]
                        [--duplicates 0.1] [--reorder 0.05] [--minute-ms 1000]
Drives e-bikes that ride (samples over AMQP and MQTT with their own broker credentials) and charge at
OCPP 1.6J chargers, against a running ChargeFlow (npm start): a simulated minute per --minute-ms of real
time. CHARGEFLOW_ADMIN_KEY is the admin key npm start printed; GATEWAY_URL (default
http://127.0.0.1:3000), OCPP_URL (default ws://127.0.0.1:${DEFAULT_CENTRAL_SYSTEM_PORT}/ocpp), RABBITMQ_URL's
host and port, and RABBITMQ_MQTT_PORT (default 1883) say where it runs.`;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers are read field by field
type Json = Record<string, any>;

interface Options {
  vehicles: number;
  stations: number;
  minutes: number;
  seed: number;
  duplicates: number;
  reorder: number;
  minuteMs: number;
}

function optionsOf(argv: string[]): Options {
  const options: Options = {
    vehicles: 50,
    stations: 10,
    minutes: 10,
    seed: 7,
    duplicates: 0,
    reorder: 0,
    minuteMs: 1_000,
  };
  const names: Record<string, keyof Options> = { 'minute-ms': 'minuteMs' };
  for (let index = 0; index < argv.length; index += 2) {
    const name = /^--([a-z-]+)$/.exec(argv[index])?.[1];
    const key = name ? (names[name] ?? (name as keyof Options)) : undefined;
    const value = Number(argv[index + 1]);
    if (!key || !(key in options) || !Number.isFinite(value) || value < 0) throw new UsageError(argv[index]);
    const fraction = key === 'duplicates' || key === 'reorder';
    if (fraction ? value > 1 : !Number.isInteger(value)) throw new UsageError(argv[index]);
    options[key] = value;
  }
  if (options.vehicles < 1 || options.minutes < 3 || options.minuteMs < 50) throw new UsageError('sizes');
  return options;
}

class UsageError extends Error {}

/** Settings of the stack the simulator talks to, as npm start runs it locally. */
function endpoints() {
  const adminKey = process.env.CHARGEFLOW_ADMIN_KEY;
  if (!adminKey) throw new UsageError('CHARGEFLOW_ADMIN_KEY');
  const broker = new URL(process.env.RABBITMQ_URL || DEFAULT_RABBITMQ_URL);
  return {
    adminKey,
    gateway: (process.env.GATEWAY_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, ''),
    ocpp: (process.env.OCPP_URL ?? `ws://127.0.0.1:${DEFAULT_CENTRAL_SYSTEM_PORT}/ocpp`).replace(/\/$/, ''),
    amqp: broker,
    mqtt: `mqtt://${broker.hostname}:${process.env.RABBITMQ_MQTT_PORT ?? 1883}`,
  };
}

type Endpoints = ReturnType<typeof endpoints>;

/** What the simulator sent, counted as it goes. */
class Tally {
  active = 0;
  finished = 0;
  samples = 0;
  duplicates = 0;
  reordered = 0;
  frames = 0;
  private lastSamples = 0;
  private lastFrames = 0;
  private lastAt = Date.now();

  rates(): { samplesPerS: number; framesPerS: number } {
    const now = Date.now();
    const seconds = Math.max(0.001, (now - this.lastAt) / 1_000);
    const rates = {
      samplesPerS: (this.samples - this.lastSamples) / seconds,
      framesPerS: (this.frames - this.lastFrames) / seconds,
    };
    [this.lastSamples, this.lastFrames, this.lastAt] = [this.samples, this.frames, now];
    return rates;
  }
}

class Api {
  constructor(private readonly endpoints: Endpoints) {}

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${this.endpoints.gateway}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.endpoints.adminKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, body: (text.startsWith('{') ? JSON.parse(text) : {}) as Json };
  }

  async created(path: string, body: unknown): Promise<Json> {
    const answer = await this.call('POST', path, body);
    if (answer.status !== 201) throw new Error(`POST ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }
}

interface Registered {
  vehicles: { id: string; riderId: string; idTag: string; username: string; mqttUsername: string; password: string }[];
  stations: { id: string; chargePointId: string; password: string }[];
}

/** The fleet of the plan, registered through the REST API, and the two default tariffs when none exist. */
async function register(api: Api, plan: FleetPlan): Promise<Registered> {
  const run = randomBytes(3).toString('hex').toUpperCase();
  for (const [kind, price, vat] of [
    ['RIDE', '0.30', '21'],
    ['CHARGING', '0.40', '19'],
  ]) {
    const answer = await api.call('POST', '/v1/tariffs', {
      currency: 'EUR',
      appliesTo: { kind },
      elements: [{ price_components: [{ type: 'ENERGY', price, vat, step_size: 1 }] }],
      effectiveFrom: '2020-01-01T00:00:00Z',
    });
    if (answer.status !== 201 && answer.body.code !== 'TARIFF_ALREADY_EXISTS')
      throw new Error(`POST /v1/tariffs: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  const stations: Registered['stations'] = [];
  for (const [index, station] of plan.stations.entries()) {
    const chargePointId = `SIM-${run}-${index + 1}`;
    const password = randomBytes(18).toString('base64url');
    await api.created('/v1/charge-points', { chargePointId, password });
    const created = await api.created('/v1/stations', {
      name: station.name,
      ratedPowerW: station.ratedPowerW,
      timeZone: 'Europe/Berlin',
      metered: true,
      ocpp: { chargePointId, connectorId: 1 },
    });
    stations.push({ id: created.id, chargePointId, password });
  }
  const vehicles: Registered['vehicles'] = [];
  for (const [index, vehicle] of plan.vehicles.entries()) {
    const { id } = await api.created('/v1/vehicles', {
      label: vehicle.label,
      batteryCapacityWh: vehicle.batteryCapacityWh,
      energyWh: vehicle.energyWh,
    });
    const rider = await api.created('/v1/riders', { name: `sim rider ${index + 1}` });
    const idTag = `S${run}${index + 1}`;
    await api.created(`/v1/riders/${rider.id}/tokens`, { idTag, vehicleId: id });
    const credential = await api.created('/v1/device-credentials', { vehicleId: id });
    vehicles.push({
      id,
      riderId: rider.id,
      idTag,
      username: credential.username,
      mqttUsername: credential.mqttUsername,
      password: credential.password,
    });
  }
  return { vehicles, stations };
}

/** Publishes a vehicle's samples as the vehicle itself, over the transport the plan gave it. */
interface SamplePublisher {
  publish(sample: Json): Promise<void>;
  close(): Promise<void>;
}

async function amqpPublisher(endpoints: Endpoints, vehicle: Registered['vehicles'][number]): Promise<SamplePublisher> {
  const url = new URL(endpoints.amqp);
  url.username = encodeURIComponent(vehicle.username);
  url.password = encodeURIComponent(vehicle.password);
  const connection: ChannelModel = await connect(url.toString());
  const channel: ConfirmChannel = await connection.createConfirmChannel();
  return {
    publish: (sample) =>
      new Promise((resolve, reject) =>
        channel.publish(
          Exchanges.telemetry,
          TELEMETRY_ROUTING.vehicleSample(vehicle.id),
          Buffer.from(JSON.stringify(sample)),
          { persistent: true, contentType: 'application/json', messageId: sample.telemetryId },
          (error) => (error ? reject(error) : resolve()),
        ),
      ),
    close: () => connection.close(),
  };
}

async function mqttPublisher(endpoints: Endpoints, vehicle: Registered['vehicles'][number]): Promise<SamplePublisher> {
  const client: MqttClient = await mqtt.connectAsync(endpoints.mqtt, {
    // <vhost>:<username>: the MQTT plugin puts the device in the virtual host of ChargeFlow's broker URL.
    username: vehicle.mqttUsername,
    password: vehicle.password,
    clientId: `vehicle-${vehicle.id}`,
    reconnectPeriod: 1_000,
    connectTimeout: 10_000,
  });
  return {
    publish: async (sample) => {
      await client.publishAsync(`sample/${vehicle.id}`, JSON.stringify(sample), { qos: 1 });
    },
    close: () => client.endAsync(),
  };
}

/** Plays the plan in real time: every vehicle is an actor going through its sessions in order. */
class Player {
  private readonly startedAt = Date.now();
  /** Each played session's id in the stack, by its index in the plan. */
  readonly sessionIds = new Map<PlannedSession, string>();
  private readonly random: () => number;

  constructor(
    private readonly plan: FleetPlan,
    private readonly options: Options,
    private readonly api: Api,
    private readonly registered: Registered,
    private readonly chargers: RPCClient[],
    private readonly publishers: SamplePublisher[],
    readonly tally: Tally,
  ) {
    // Duplicates and reordering are noise of the network, not of the fleet: their own stream.
    let state = (options.seed ^ 0x9e3779b9) >>> 0;
    this.random = () => {
      state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
      return state / 4_294_967_296;
    };
  }

  async play(): Promise<void> {
    await Promise.all(
      this.plan.vehicles.map((_, vehicle) =>
        this.sessionsOf(vehicle).reduce<Promise<void>>(
          (previous, session) => previous.then(() => this.playSession(session)),
          Promise.resolve(),
        ),
      ),
    );
  }

  elapsedMinutes(): number {
    return (Date.now() - this.startedAt) / this.options.minuteMs;
  }

  private sessionsOf(vehicle: number): PlannedSession[] {
    return this.plan.sessions.filter((session) => session.vehicle === vehicle);
  }

  private async until(minute: number): Promise<void> {
    const wait = this.startedAt + minute * this.options.minuteMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  private async playSession(session: PlannedSession): Promise<void> {
    await this.until(session.startMinute);
    this.tally.active += 1;
    if (session.kind === 'RIDE') await this.ride(session);
    else await this.charge(session);
    this.tally.active -= 1;
    this.tally.finished += 1;
  }

  private async ride(ride: PlannedRide): Promise<void> {
    const vehicle = this.registered.vehicles[ride.vehicle];
    const publisher = this.publishers[ride.vehicle];
    const { id } = await this.api.created('/v1/rides', { vehicleId: vehicle.id, riderId: vehicle.riderId });
    this.sessionIds.set(ride, id);
    let held: Json | null = null;
    for (const [seq, planned] of ride.samples.entries()) {
      await this.until(planned.minute);
      const sample = {
        telemetryId: randomUUID(),
        sessionId: id,
        vehicleId: vehicle.id,
        emittedAt: new Date().toISOString(),
        energyWh: Number(planned.energyWh),
        distanceM: Number(planned.distanceM),
        seq,
      };
      if (held === null && seq < ride.samples.length - 1 && this.random() < this.options.reorder) {
        held = sample;
        this.tally.reordered += 1;
        continue;
      }
      await this.send(publisher, sample);
      if (held) await this.send(publisher, held);
      held = null;
    }
    await this.waitForSamples(id, ride.samples.length);
    const ended = await this.api.call('POST', `/v1/rides/${id}/end`);
    if (ended.status !== 200) throw new Error(`ending ride ${id}: ${ended.status} ${JSON.stringify(ended.body)}`);
  }

  private async send(publisher: SamplePublisher, sample: Json): Promise<void> {
    await publisher.publish(sample);
    this.tally.samples += 1;
    if (this.random() < this.options.duplicates) {
      await publisher.publish(sample);
      this.tally.duplicates += 1;
    }
  }

  /** A ride ends once its samples are counted: a sample that arrived after the end would be sealed out. */
  private async waitForSamples(sessionId: string, count: number): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const page = await this.api.call('GET', `/v1/sessions/${sessionId}/telemetry?limit=1000`);
      if ((page.body.items?.length ?? 0) >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the ${count} samples of ${sessionId} were not counted within 60 s`);
  }

  private async charge(charge: PlannedCharge): Promise<void> {
    const vehicle = this.registered.vehicles[charge.vehicle];
    const charger = this.chargers[charge.station];
    const transactionId = await this.startTransaction(charger, vehicle.idTag, charge.meterStartWh);
    const station = await this.api.call('GET', `/v1/stations/${this.registered.stations[charge.station].id}`);
    this.sessionIds.set(charge, station.body.activeSessionId);
    let held: Json | null = null;
    for (const [index, reading] of charge.readings.entries()) {
      await this.until(reading.minute);
      const last = index === charge.readings.length - 1;
      const frame = {
        connectorId: 1,
        transactionId,
        meterValue: [
          {
            timestamp: new Date().toISOString(),
            sampledValue: [
              { value: String(reading.registerWh), unit: 'Wh', measurand: 'Energy.Active.Import.Register' },
            ],
          },
        ],
      };
      if (last) {
        if (held) await this.meterValues(charger, held);
        await this.call(charger, 'StopTransaction', {
          transactionId,
          idTag: vehicle.idTag,
          meterStop: reading.registerWh,
          timestamp: frame.meterValue[0].timestamp,
        });
        return;
      }
      if (held === null && this.random() < this.options.reorder) {
        held = frame;
        this.tally.reordered += 1;
        continue;
      }
      await this.meterValues(charger, frame);
      if (held) await this.meterValues(charger, held);
      held = null;
    }
  }

  private async meterValues(charger: RPCClient, frame: Json): Promise<void> {
    await this.call(charger, 'MeterValues', frame);
    if (this.random() < this.options.duplicates) {
      await this.call(charger, 'MeterValues', frame);
      this.tally.duplicates += 1;
    }
  }

  /** A station freed a moment late (its previous stop still being sealed) answers ConcurrentTx: try again. */
  private async startTransaction(charger: RPCClient, idTag: string, meterStart: number): Promise<number> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const answer = (await this.call(charger, 'StartTransaction', {
        connectorId: 1,
        idTag,
        meterStart,
        timestamp: new Date().toISOString(),
      })) as Json;
      if (answer.idTagInfo.status === 'Accepted') return answer.transactionId as number;
      if (answer.idTagInfo.status !== 'ConcurrentTx' || Date.now() > deadline)
        throw new Error(`StartTransaction for ${idTag} answered ${answer.idTagInfo.status}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  private async call(charger: RPCClient, action: string, params: Json): Promise<unknown> {
    this.tally.frames += 1;
    return charger.call(action, params);
  }
}

interface Comparison {
  figure: string;
  sent: string;
  chargeflow: string;
}

/** What the simulator sent against what ChargeFlow's sessions, billing and analytics say. */
async function compare(api: Api, plan: FleetPlan, player: Player, registered: Registered, from: string) {
  const to = new Date(Date.now() + 60_000).toISOString();
  const ids = [...player.sessionIds.values()];
  const sessionsNow = () => Promise.all(ids.map(async (id) => (await api.call('GET', `/v1/sessions/${id}`)).body));
  // A charge ends shortly after its StopTransaction is answered; one still open when the wait ends counts as wrong.
  const finalized = await waitFor(async () => {
    const sessions = await sessionsNow();
    return sessions.every((session) => session.state === 'FINALIZED') ? sessions : null;
  }, 'every session to be finalized').catch(sessionsNow);
  const expectedEnergy = new Map([...player.sessionIds].map(([session, id]) => [id, session.energyWh]));
  const wrong = finalized.filter((session) => {
    const energy = session.kind === 'RIDE' ? session.energyConsumedWh : session.energyDeliveredWh;
    return session.state !== 'FINALIZED' || !new Decimal(energy ?? -1).eq(expectedEnergy.get(session.id) ?? -1);
  });
  const bills = await waitFor(async () => {
    const answers = await Promise.all(
      ids.map(async (id) => (await api.call('GET', `/v1/billing/sessions/${id}`)).body),
    );
    return answers.every((answer) => answer.status === 'PRICED') ? answers : null;
  }, 'every session priced');
  const summaries = await waitFor(async () => {
    const answers = await Promise.all(
      registered.vehicles.map(
        async (vehicle) => (await api.call('GET', `/v1/vehicles/${vehicle.id}/analytics?from=${from}&to=${to}`)).body,
      ),
    );
    const counted = answers.reduce((total, summary) => total + (summary.pricedSessions ?? 0), 0);
    return counted === ids.length ? answers : null;
  }, 'analytics to count every session');
  const sum = (values: Decimal.Value[]) => values.reduce<Decimal>((total, value) => total.plus(value), new Decimal(0));
  const { figures } = seedDeterminedFiguresOf(plan);
  const revenueOf = (summary: Json) => summary.revenue?.find((entry: Json) => entry.currency === 'EUR')?.inclVat ?? 0;
  const rows: Comparison[] = [
    { figure: 'rides', sent: String(figures.rides), chargeflow: String(sum(summaries.map((s) => s.rides))) },
    { figure: 'charges', sent: String(figures.charges), chargeflow: String(sum(summaries.map((s) => s.charges))) },
    {
      figure: 'energy consumed by rides, Wh',
      sent: figures.energyConsumedWh,
      chargeflow: sum(summaries.map((s) => s.energyConsumedWh)).toFixed(),
    },
    {
      figure: 'energy charged, Wh',
      sent: figures.energyChargedWh,
      chargeflow: sum(summaries.map((s) => s.energyChargedWh)).toFixed(),
    },
    { figure: 'distance, m', sent: figures.distanceM, chargeflow: sum(summaries.map((s) => s.distanceM)).toFixed() },
    {
      figure: 'revenue incl. VAT, EUR (billing records / analytics)',
      sent: sum(bills.map((bill) => bill.billing.totalInclVat)).toFixed(2),
      chargeflow: sum(summaries.map(revenueOf)).toFixed(2),
    },
  ];
  return { rows, wrong };
}

async function waitFor<T>(probe: () => Promise<T | null>, what: string): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function main(): Promise<number> {
  let options: Options;
  let where: Endpoints;
  try {
    options = optionsOf(process.argv.slice(2));
    where = endpoints();
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`simulate: invalid ${error.message}\n${USAGE}`);
    return 2;
  }
  const out = (line: string) => console.log(`simulate: ${line}`);
  const plan = planFleet({
    vehicles: options.vehicles,
    stations: options.stations,
    minutes: options.minutes,
    seed: options.seed,
  });
  const api = new Api(where);
  out(
    `${plan.vehicles.length} e-bikes, ${plan.stations.length} OCPP chargers, ${plan.sessions.length} sessions planned`,
  );
  const registered = await register(api, plan);
  const chargers = await Promise.all(
    registered.stations.map(async (station) => {
      const client = new RPCClient({
        endpoint: where.ocpp,
        identity: station.chargePointId,
        password: station.password,
        protocols: ['ocpp1.6'],
        strictMode: true,
        reconnect: true,
      } as Partial<RPC_ClientOptions> as RPC_ClientOptions);
      await client.connect();
      await client.call('BootNotification', { chargePointVendor: 'ChargeFlow', chargePointModel: 'Simulator' });
      return client;
    }),
  );
  const publishers = await Promise.all(
    registered.vehicles.map((vehicle, index) =>
      plan.vehicles[index].transport === 'AMQP' ? amqpPublisher(where, vehicle) : mqttPublisher(where, vehicle),
    ),
  );
  const from = new Date().toISOString();
  const tally = new Tally();
  const player = new Player(plan, options, api, registered, chargers, publishers, tally);
  const progress = setInterval(
    () => {
      const { samplesPerS, framesPerS } = tally.rates();
      const line =
        `minute ${Math.min(options.minutes, Math.floor(player.elapsedMinutes()))}/${options.minutes} | ` +
        `sessions active ${tally.active}, finished ${tally.finished}/${plan.sessions.length} | ` +
        `samples/s ${samplesPerS.toFixed(0)} | OCPP frames/s ${framesPerS.toFixed(0)}`;
      if (process.stdout.isTTY) process.stdout.write(`\r${line}   `);
      else out(line);
    },
    process.stdout.isTTY ? 500 : 5_000,
  );
  try {
    await player.play();
  } finally {
    clearInterval(progress);
    if (process.stdout.isTTY) process.stdout.write('\n');
    await Promise.all([...publishers.map((one) => one.close()), ...chargers.map((one) => one.close())]);
  }
  out(
    `sent ${tally.samples} samples (+${tally.duplicates} duplicates, ${tally.reordered} held back one step) and ${tally.frames} OCPP frames`,
  );
  const { rows, wrong } = await compare(api, plan, player, registered, from);
  console.log('\n| figure | the simulator sent | ChargeFlow says | agree |\n|---|---:|---:|---|');
  for (const row of rows)
    console.log(`| ${row.figure} | ${row.sent} | ${row.chargeflow} | ${row.sent === row.chargeflow ? 'yes' : 'NO'} |`);
  for (const session of wrong) out(`session ${session.id} is not what was sent: ${JSON.stringify(session)}`);
  const { figures, digest } = seedDeterminedFiguresOf(plan);
  console.log(
    `\nseed-determined: ${figures.rides} rides, ${figures.charges} charges, ${figures.samples} samples, ` +
      `${figures.meterReadings} meter readings, ${figures.energyConsumedWh} Wh consumed, ${figures.energyChargedWh} Wh charged`,
  );
  console.log(`seed-determined: ${digest}`);
  return rows.every((row) => row.sent === row.chargeflow) && wrong.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`simulate failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
