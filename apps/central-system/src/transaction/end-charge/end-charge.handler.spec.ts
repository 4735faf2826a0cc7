import type { Logger } from 'pino';
import { createRPCError } from 'ocpp-rpc';
import { SessionRpc, TelemetryRpc } from '@chargeflow/contracts';
import { BackendRefusal, type BackendClient } from '../../ocpp/backend.client';
import { meterReadingId } from '../infrastructure/meter-sample.publisher';
import type { StoppedCharge, TransactionRepository } from '../infrastructure/transaction.repository';
import { EndChargeHandler } from './end-charge.handler';
import { ReadingArrivals } from './reading-arrivals';

const aStoppedCharge = (overrides: Partial<StoppedCharge> = {}): StoppedCharge => ({
  transactionId: 7,
  chargePointId: 'CP-1',
  sessionId: 'session-7',
  startedAt: new Date('2026-12-04T08:00:00Z'),
  lastTelemetryId: 'reading-7',
  attempts: 3,
  ...overrides,
});

const refusal = (code: string, kind: string) => new BackendRefusal({ kind, code, message: code } as never);

/** The handler over a backend answering each pattern from a script, and a repository recording what it is told. */
function handlerWith(answers: Record<string, () => Promise<unknown>>) {
  const asked: string[] = [];
  const backend = {
    call: async (_service: string, pattern: string) => {
      asked.push(pattern);
      return answers[pattern]();
    },
  } as unknown as BackendClient;
  const recorded: unknown[][] = [];
  const transactions = {
    recordEnded: async (id: number) => void recorded.push(['ended', id]),
    postponeEnd: async (id: number, delayMs: number) => void recorded.push(['postponed', id, delayMs]),
    recordEndRefused: async (id: number, code: string) => void recorded.push(['refused', id, code]),
  } as unknown as TransactionRepository;
  const logger = { warn: () => undefined, error: () => undefined } as unknown as Logger;
  return {
    handler: new EndChargeHandler(backend, transactions, new ReadingArrivals(backend, logger), logger),
    asked,
    recorded,
  };
}

const startReading = meterReadingId('CP-1', 7, new Date('2026-12-04T08:00:00Z'));
/** Telemetry has both ends of the charge: the start's reading and the stop's. */
const takenIn = async () => ({
  takenIn: [
    { sessionId: 'session-7', telemetryId: startReading },
    { sessionId: 'session-7', telemetryId: 'reading-7' },
  ],
});

describe('ending a stopped transaction’s charge', () => {
  it('ends the session once telemetry has the start’s and the stop’s readings, and records it', async () => {
    const { handler, asked, recorded } = handlerWith({
      [TelemetryRpc.takenInAmong]: takenIn,
      [SessionRpc.end]: async () => ({}),
    });
    await expect(handler.attempt(aStoppedCharge(), { holdsLease: true })).resolves.toBe('ENDED');
    expect(asked).toEqual([TelemetryRpc.takenInAmong, SessionRpc.end]);
    expect(recorded).toEqual([['ended', 7]]);
  });

  it('waits for the start’s reading too when telemetry took in the stop’s first (the energy is their delta)', async () => {
    const arrived = new Set(['reading-7']);
    const { handler, asked } = handlerWith({
      [TelemetryRpc.takenInAmong]: async () => ({
        takenIn: [...arrived].map((telemetryId) => ({ sessionId: 'session-7', telemetryId })),
      }),
      [SessionRpc.end]: async () => ({}),
    });
    const ending = handler.attempt(aStoppedCharge(), { holdsLease: true });
    // Three questions (a tick is 200 ms) with only the stop's reading in, unless the end went on first.
    for (let waited = 0; waited < 100 && !asked.includes(SessionRpc.end); waited += 1) {
      if (asked.filter((pattern) => pattern === TelemetryRpc.takenInAmong).length >= 3) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(asked).not.toContain(SessionRpc.end);
    arrived.add(startReading);
    await expect(ending).resolves.toBe('ENDED');
    expect(asked.filter((pattern) => pattern === SessionRpc.end)).toHaveLength(1);
  });

  it('counts a session found finalized already as ended', async () => {
    const { handler, recorded } = handlerWith({
      [TelemetryRpc.takenInAmong]: takenIn,
      [SessionRpc.end]: async () => Promise.reject(refusal('SESSION_ALREADY_FINALIZED', 'CONFLICT')),
    });
    await expect(handler.attempt(aStoppedCharge(), { holdsLease: true })).resolves.toBe('ENDED');
    expect(recorded).toEqual([['ended', 7]]);
  });

  it('keeps a refusal that would not change, and makes no more attempts', async () => {
    const { handler, recorded } = handlerWith({
      [TelemetryRpc.takenInAmong]: takenIn,
      [SessionRpc.end]: async () => Promise.reject(refusal('SESSION_NOT_FOUND', 'NOT_FOUND')),
    });
    await expect(handler.attempt(aStoppedCharge(), { holdsLease: true })).resolves.toBe('REFUSED');
    expect(recorded).toEqual([['refused', 7, 'SESSION_NOT_FOUND']]);
  });

  it('schedules the next attempt after a passing failure, when it holds the end', async () => {
    const unavailable = async () =>
      Promise.reject(createRPCError('InternalError', 'the sessions service did not answer'));
    const holding = handlerWith({ [TelemetryRpc.takenInAmong]: takenIn, [SessionRpc.end]: unavailable });
    await expect(holding.handler.attempt(aStoppedCharge(), { holdsLease: true })).resolves.toBe('POSTPONED');
    expect(holding.recorded).toEqual([['postponed', 7, 4_000]]);

    const notHolding = handlerWith({ [TelemetryRpc.takenInAmong]: takenIn, [SessionRpc.end]: unavailable });
    await expect(notHolding.handler.attempt(aStoppedCharge(), { holdsLease: false })).resolves.toBe('POSTPONED');
    expect(notHolding.recorded).toEqual([]);
  });

  it('makes one attempt for a transaction however many ask at once', async () => {
    let release: (value: unknown) => void = () => undefined;
    const { handler, asked } = handlerWith({
      [TelemetryRpc.takenInAmong]: takenIn,
      [SessionRpc.end]: () => new Promise((resolve) => (release = resolve)),
    });
    const first = handler.attempt(aStoppedCharge(), { holdsLease: true });
    const second = handler.attempt(aStoppedCharge(), { holdsLease: false });
    while (!asked.includes(SessionRpc.end)) await new Promise((resolve) => setTimeout(resolve, 20));
    release({});
    await expect(Promise.all([first, second])).resolves.toEqual(['ENDED', 'ENDED']);
    expect(asked.filter((pattern) => pattern === SessionRpc.end)).toHaveLength(1);
    expect(handler.underWay).toBe(0);
  });

  it('on shutdown stops waiting for the reading, leaves the end due at once, and starts no new attempt', async () => {
    const { handler, asked, recorded } = handlerWith({
      [TelemetryRpc.takenInAmong]: async () => ({ takenIn: [] }),
      [SessionRpc.end]: async () => ({}),
    });
    const waiting = handler.attempt(aStoppedCharge(), { holdsLease: true });
    await new Promise((resolve) => setImmediate(resolve));
    await handler.beforeApplicationShutdown();
    await expect(waiting).resolves.toBe('POSTPONED');
    expect(recorded).toEqual([['postponed', 7, 0]]);
    handler.startAttempt(aStoppedCharge({ transactionId: 8 }));
    expect(handler.underWay).toBe(0);
    expect(asked).not.toContain(SessionRpc.end);
  });
});
