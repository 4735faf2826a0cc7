import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { Exchanges, Queues, TELEMETRY_ROUTING } from '@chargeflow/contracts';
import { REPO_ROOT, Stack } from '@chargeflow/infra';
import {
  accountFor,
  createStackEnvironment,
  accountingLine,
  waitFor,
  type CountedSample,
  type FinalizedRide,
  type PublishedSample,
  type RecordedRejection,
  type SampleAccounting,
  type StackEnvironment,
} from '@chargeflow/testing';
import type { FaultServers } from './own-servers';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers are read field by field
type Json = Record<string, any>;

/** Each case's size: samples over rides, `FAULTS_SAMPLES` to change it. */
export const FAULT_SAMPLES = Number(process.env.FAULTS_SAMPLES ?? 50_000);
export const FAULT_RIDES = 100;

/**
 * A whole stack for one fault case, started before its tests and stopped after, on a virtual host and
 * databases of its own (on the case's own servers when `servers` starts some). Call it in the case's
 * `describe`; the getter gives the stack and a fresh FaultRun.
 */
export function faultStack(
  label: string,
  options: { servers?: () => Promise<FaultServers> } = {},
): () => { stack: Stack; run: FaultRun } {
  let environment: StackEnvironment;
  let stack: Stack;
  let servers: FaultServers | undefined;
  beforeAll(async () => {
    servers = await options.servers?.();
    environment = await createStackEnvironment(label, servers?.settings);
    Object.assign(environment.env, servers?.env?.(environment.vhost.name));
    // The checker reads every ride back through the API many times: the admin key's rate limit is for clients.
    environment.env.RATE_LIMIT_KEY_PER_MINUTE = '100000000';
    environment.env.RATE_LIMIT_KEY_BURST = '1000000';
    stack = await Stack.start({ env: environment.env, logDir: environment.logDir, readyTimeoutMs: 170_000 });
  }, 240_000);
  afterAll(async () => {
    try {
      await stack?.stop();
      await environment?.cleanup();
    } finally {
      await servers?.stop();
    }
  }, 120_000);
  return () => ({ stack, run: new FaultRun(stack.gatewayUrl, environment.adminKey, environment.vhost.url) });
}

interface Observed {
  counted: CountedSample[];
  rejections: RecordedRejection[];
  rides: FinalizedRide[];
}

/** One message of the stream: a sample of a ride, or something a broken device sends instead. */
export interface StreamMessage {
  ride: number;
  body: Buffer;
  /** The sample's id when its body is a sample; a message ChargeFlow cannot read has none. */
  telemetryId: string | null;
  energyWh: string;
}

/**
 * A fault case's traffic and its checker: rides through the gateway, samples streamed over AMQP from
 * several publishers with publisher confirms while the rides end one by one, then, once the stack has
 * drained, every published sample accounted for through the public API.
 */
export class FaultRun {
  readonly history: PublishedSample[] = [];
  rides: Json[] = [];
  private readonly startedAt = new Date().toISOString();

  constructor(
    private readonly gatewayUrl: string,
    private readonly adminKey: string,
    private readonly brokerUrl: string,
  ) {}

  async api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${this.gatewayUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.adminKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    return { status: response.status, body: (text.startsWith('{') ? JSON.parse(text) : {}) as Json };
  }

  /** A RIDE tariff, and `count` Active rides, each on a vehicle and rider of its own. */
  async startRides(count: number): Promise<void> {
    await this.api('POST', '/v1/tariffs', {
      currency: 'EUR',
      appliesTo: { kind: 'RIDE' },
      elements: [{ price_components: [{ type: 'ENERGY', price: '0.30', vat: '21', step_size: 1 }] }],
      effectiveFrom: '2020-01-01T00:00:00Z',
    });
    for (let first = 0; first < count; first += 10) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(10, count - first) }, async (_, offset) => {
          const vehicle = await this.api('POST', '/v1/vehicles', {
            label: `fault bike ${first + offset}`,
            batteryCapacityWh: 100_000,
            energyWh: 100_000,
          });
          const rider = await this.api('POST', '/v1/riders', { name: `fault rider ${first + offset}` });
          const ride = await this.api('POST', '/v1/rides', { vehicleId: vehicle.body.id, riderId: rider.body.id });
          if (ride.status !== 201) throw new Error(`a ride did not start: ${JSON.stringify(ride.body)}`);
          return ride.body;
        }),
      );
      this.rides.push(...batch);
    }
  }

  /** A well-formed sample of a ride. */
  sample(ride: number, seq: number, energyWh: string, telemetryId: string = randomUUID()): StreamMessage {
    const { id, vehicleId } = this.rides[ride];
    const body = {
      telemetryId,
      sessionId: id,
      vehicleId,
      emittedAt: new Date().toISOString(),
      energyWh: Number(energyWh),
      seq,
    };
    return { ride, body: Buffer.from(JSON.stringify(body)), telemetryId, energyWh };
  }

  /**
   * Publishes the messages in order, spread over `publishers` connections each with its own confirm
   * channel, recording every publish (confirmed, or indeterminate when nacked or unanswered), and
   * calls `between(index)` after each message so a case can end rides or inject its fault mid-stream.
   */
  async stream(
    messages: StreamMessage[],
    publishers: number,
    between?: (index: number) => Promise<void>,
  ): Promise<void> {
    const models: ChannelModel[] = [];
    const channels: ConfirmChannel[] = [];
    for (let index = 0; index < publishers; index += 1) {
      const model = await connect(this.brokerUrl);
      models.push(model);
      channels.push(await model.createConfirmChannel());
    }
    const pending: Promise<void>[] = [];
    try {
      for (const [index, message] of messages.entries()) {
        const channel = channels[index % publishers];
        const messageId = randomUUID();
        const record: PublishedSample = {
          messageId,
          telemetryId: message.telemetryId ?? `unreadable:${messageId}`,
          sessionId: this.rides[message.ride].id,
          energyWh: message.energyWh,
          outcome: 'indeterminate',
        };
        this.history.push(record);
        pending.push(
          new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 30_000);
            channel.publish(
              Exchanges.telemetry,
              TELEMETRY_ROUTING.vehicleSample(this.rides[message.ride].vehicleId),
              message.body,
              { persistent: true, contentType: 'application/json', messageId },
              (error) => {
                clearTimeout(timer);
                if (!error) record.outcome = 'confirmed';
                resolve();
              },
            );
          }),
        );
        if (index % 500 === 499) await Promise.all(pending.splice(0));
        if (between) await between(index);
      }
      await Promise.all(pending);
    } finally {
      await Promise.all(models.map((model) => model.close().catch(() => undefined)));
    }
  }

  /**
   * Streams the messages (see `stream`) while the rides end, ten at a time, through the second half of
   * the stream: samples published after their ride's end arrive too late. `during(index)` runs after each
   * message, for a case's fault. Resolves once every ride has ended.
   */
  async streamWhileRidesEnd(
    messages: StreamMessage[],
    publishers: number,
    during?: (index: number) => Promise<void>,
  ): Promise<void> {
    const endAt = new Map<number, number[]>();
    for (let ride = 0; ride < this.rides.length; ride += 1) {
      const at = Math.floor(messages.length * (0.5 + (0.45 * Math.floor(ride / 10)) / 10));
      endAt.set(at, [...(endAt.get(at) ?? []), ride]);
    }
    const ending: Promise<void>[] = [];
    await this.stream(messages, publishers, async (index) => {
      for (const ride of endAt.get(index) ?? []) ending.push(this.endRide(ride));
      if (during) await during(index);
    });
    await Promise.all(ending);
  }

  /** Ends a ride, trying again while the stack answers 503 (an end is idempotent); 409 means already ended. */
  async endRide(ride: number): Promise<void> {
    const { id } = this.rides[ride];
    await waitFor(
      async () => {
        const answer = await this.api('POST', `/v1/rides/${id}/end`).catch(() => ({ status: 0, body: {} }));
        return answer.status === 200 || answer.status === 409 ? true : undefined;
      },
      120_000,
      `the end of ride ${id}`,
      500,
    );
  }

  /**
   * Reads back what ChargeFlow counted and refused once the stack has drained (the samples queue empty
   * and two readings in a row the same), and accounts for every publish.
   */
  async account(): Promise<SampleAccounting> {
    const digestOf = (observed: Observed) =>
      `${observed.counted.length}/${observed.rejections.length}/${observed.rides.map((ride) => ride.state).join()}`;
    const deadline = Date.now() + 300_000;
    let previous: Observed | null = null;
    for (;;) {
      if (Date.now() > deadline) throw new Error('the stack did not drain within 5 minutes');
      if (await this.samplesWaiting()) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        continue;
      }
      const observed = await this.observe();
      if (previous && digestOf(previous) === digestOf(observed))
        return accountFor(this.history, observed.counted, observed.rejections, observed.rides);
      previous = observed;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }

  /** Messages still ready in the samples queue (those delivered but not yet acked show in the next reading). */
  private async samplesWaiting(): Promise<number> {
    const model = await connect(this.brokerUrl);
    try {
      const channel = await model.createChannel();
      return (await channel.checkQueue(Queues.telemetrySamples)).messageCount;
    } finally {
      await model.close().catch(() => undefined);
    }
  }

  /** How many samples the first ride has counted so far: a cheap sign that telemetry is at work. */
  async countedSoFar(): Promise<number> {
    const page = await this.api('GET', `/v1/sessions/${this.rides[0].id}/telemetry?limit=1000`);
    return page.body.items?.length ?? 0;
  }

  private async observe(): Promise<Observed> {
    const counted: CountedSample[] = [];
    const rides: FinalizedRide[] = [];
    for (const ride of this.rides) {
      const session = (await this.api('GET', `/v1/sessions/${ride.id}`)).body;
      rides.push({
        sessionId: ride.id,
        state: session.state,
        energyWh: session.energyConsumedWh === null ? null : String(session.energyConsumedWh),
      });
      for (const item of await this.pages(`/v1/sessions/${ride.id}/telemetry?limit=1000`))
        counted.push({ telemetryId: item.telemetryId, sessionId: item.sessionId, energyWh: String(item.energyWh) });
    }
    const rejections = (await this.pages(`/v1/telemetry/rejections?from=${this.startedAt}&limit=1000`)).map((item) => ({
      messageId: item.messageId,
      telemetryId: item.telemetryId,
      reason: item.reason,
    }));
    return { counted, rejections, rides };
  }

  private async pages(path: string): Promise<Json[]> {
    const items: Json[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 1_000; page += 1) {
      const answer = await this.api('GET', cursor ? `${path}&cursor=${encodeURIComponent(cursor)}` : path);
      if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      items.push(...answer.body.items);
      cursor = answer.body.nextCursor;
      if (!cursor) return items;
    }
    throw new Error(`GET ${path}: more than 1,000 pages`);
  }

  /** Every finalized ride has exactly one billing record, and billing verify finds no mismatch. */
  async checkBilling(): Promise<{ unbilled: string[]; mismatches: number }> {
    const unbilled: string[] = [];
    for (const ride of this.rides) {
      const bill = await waitFor(
        async () => {
          const answer = await this.api('GET', `/v1/billing/sessions/${ride.id}`);
          return answer.status === 200 && answer.body.status === 'PRICED' ? answer.body : undefined;
        },
        60_000,
        `the billing record of ${ride.id}`,
        250,
      ).catch(() => null);
      if (!bill) unbilled.push(ride.id);
    }
    const started = await this.api('POST', '/v1/billing/verify', {});
    const verified = await waitFor(
      async () => {
        const run = (await this.api('GET', `/v1/billing/verify/${started.body.id}`)).body;
        return run.status === 'DONE' || run.status === 'FAILED' ? run : undefined;
      },
      120_000,
      'billing verify',
      500,
    );
    return { unbilled, mismatches: verified.status === 'DONE' ? verified.mismatchCount : Number.NaN };
  }

  /** Prints the case's line of counts and keeps them in `.data/faults/results.json` beside the other cases'. */
  record(name: string, accounting: SampleAccounting): void {
    process.stdout.write(`${accountingLine(name, accounting)}\n`);
    const dir = join(REPO_ROOT, '.data', 'faults');
    const file = join(dir, 'results.json');
    mkdirSync(dir, { recursive: true });
    const results = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
    results[name] = {
      at: new Date().toISOString(),
      attempted: accounting.attempted,
      confirmed: accounting.confirmed,
      indeterminate: accounting.indeterminate,
      counted: accounting.counted,
      rejectedByReason: accounting.rejectedByReason,
      lost: accounting.lost.length,
      duplicated: accounting.duplicated.length,
      phantom: accounting.phantom.length,
      wrongSessions: accounting.wrongSessions.length,
    };
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  }
}
