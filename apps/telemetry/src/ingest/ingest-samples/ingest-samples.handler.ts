import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { createEnvelope, Exchanges, TELEMETRY_REJECTED_V1, type TelemetryRejectedV1 } from '@chargeflow/contracts';
import { addToOutbox } from '@chargeflow/messaging';
import { nameBasedUuid } from '@chargeflow/runtime';
import { admit, type LedgerState } from '../domain/admission';
import { parseSample, type Refusal, type Sample } from '../domain/sample';
import { IngestRepository, type RejectionRecord } from '../infrastructure/ingest.repository';
import { SessionDirectory } from './session-directory';

/** One device message as it came off the queue. */
export interface DeviceMessage {
  content: Buffer;
  routingKey: string;
  correlationId?: string;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: number;
}

type Rejection = RejectionRecord & { correlationId: string };

/** PostgreSQL text and jsonb cannot hold NUL: a device must not be able to make its rejection unstorable. */
function storable<T extends string | null>(text: T): T {
  return (text === null ? text : text.replace(/\u0000/g, '\uFFFD')) as T;
}

export const INGEST_LANES = Symbol('INGEST_LANES');

/** The UUID namespace of rejection ids (a fixed, random v4 UUID). */
const REJECTIONS = '5d0f3b7a-9c2e-4e61-8b4f-2a7c9e1d6f30';

/**
 * A rejection's id names the message and the reason: a redelivered batch, or the same bytes sent
 * again and refused for the same reason, is recorded (and published) once.
 */
function rejectionIdOf(reason: string, content: Buffer): string {
  return nameBasedUuid(REJECTIONS, Buffer.concat([Buffer.from(`${reason}\n`), content]));
}

/** The lane of a session: a session's samples always go through the same lane, in arrival order. */
export function laneOf(sessionId: string, lanes: number): number {
  return Number.parseInt(sessionId.slice(-8), 16) % lanes;
}

/** A batch after the checks that need no database: the well-formed samples and the refusals so far. */
class ParsedBatch {
  readonly samples: Sample[] = [];
  readonly rejections: Rejection[] = [];
  private readonly origin = new Map<Sample, DeviceMessage>();

  constructor(readonly receivedAt: Date) {}

  static parse(messages: DeviceMessage[], receivedAt: Date): ParsedBatch {
    const batch = new ParsedBatch(receivedAt);
    for (const message of messages) {
      const parsed = parseSample(message.content, receivedAt, message.routingKey);
      if ('refusal' in parsed) {
        batch.refuse(parsed.refusal, message);
      } else {
        batch.samples.push(parsed.sample);
        batch.origin.set(parsed.sample, message);
      }
    }
    return batch;
  }

  /**
   * Splits the batch by session; the refusals made so far go with the first lane. A telemetryId sent
   * for two sessions keeps the batch in one lane: which copy is stored first (and which is refused as
   * TELEMETRY_ID_CONFLICT) must follow arrival order, and two lanes inserting it could deadlock.
   */
  split(lanes: number): ParsedBatch[] {
    if (lanes === 1 || this.hasTelemetryIdInTwoSessions()) return [this];
    const parts = Array.from({ length: lanes }, () => new ParsedBatch(this.receivedAt));
    parts[0].rejections.push(...this.rejections);
    for (const sample of this.samples) {
      const part = parts[laneOf(sample.sessionId, lanes)];
      part.samples.push(sample);
      part.origin.set(sample, this.origin.get(sample) as DeviceMessage);
    }
    return parts.filter((part) => part.samples.length > 0 || part.rejections.length > 0);
  }

  private hasTelemetryIdInTwoSessions(): boolean {
    const sessionOf = new Map<string, string>();
    for (const sample of this.samples) {
      const known = sessionOf.get(sample.telemetryId);
      if (known !== undefined && known !== sample.sessionId) return true;
      sessionOf.set(sample.telemetryId, sample.sessionId);
    }
    return false;
  }

  get sessionIds(): string[] {
    return [...new Set(this.samples.map((sample) => sample.sessionId))];
  }

  get telemetryIds(): string[] {
    return [...new Set(this.samples.map((sample) => sample.telemetryId))];
  }

  refuse(refusal: Refusal, message: DeviceMessage): void {
    const id = rejectionIdOf(refusal.reason, message.content);
    this.rejections.push({
      reason: refusal.reason,
      detail: storable(refusal.detail),
      telemetryId: storable(refusal.telemetryId),
      sessionId: storable(refusal.sessionId),
      deviceId: storable(refusal.deviceId),
      id,
      payload: storable(message.content.toString('utf8')),
      correlationId: storable(message.correlationId ?? refusal.telemetryId ?? id),
    });
  }

  refuseSample(sample: Sample, refusal: Refusal): void {
    this.refuse(refusal, this.origin.get(sample) as DeviceMessage);
  }
}

/**
 * Counts a batch of samples exactly once: new samples are inserted and added to their ledgers in one
 * transaction with the rejections (and their `telemetry.rejected.v1` events) of the same batch. A
 * redelivered batch finds its samples stored and changes nothing.
 *
 * The batch is split into lanes by session, each lane its own transaction, run side by side: lanes
 * never share a ledger row, and a session's samples keep their arrival order (a charger's meter
 * readings depend on it). If one lane fails, the whole batch is tried again: the lanes that committed
 * find their samples stored and their rejections recorded, and change nothing twice.
 */
@Injectable()
export class IngestSamplesHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: IngestRepository,
    private readonly directory: SessionDirectory,
    @Inject(INGEST_LANES) private readonly lanes: number,
  ) {}

  async handle(messages: DeviceMessage[]): Promise<IngestResult> {
    const lanes = ParsedBatch.parse(messages, new Date()).split(this.lanes);
    // Every lane settles before the batch does, so a retry never runs beside a lane still at work.
    const settled = await Promise.allSettled(lanes.map((lane) => this.handleLane(lane, messages[0]?.correlationId)));
    const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    return (settled as PromiseFulfilledResult<IngestResult>[])
      .map((outcome) => outcome.value)
      .reduce(
        (total, result) => ({
          accepted: total.accepted + result.accepted,
          duplicates: total.duplicates + result.duplicates,
          rejected: total.rejected + result.rejected,
        }),
        { accepted: 0, duplicates: 0, rejected: 0 },
      );
  }

  private async handleLane(batch: ParsedBatch, correlationId: string | undefined): Promise<IngestResult> {
    const unknown = await this.dataSource.transaction(async (manager) => {
      const sessionIds = batch.sessionIds;
      const ledgers = await this.repository.lockLedgers(manager, sessionIds);
      const missing = sessionIds.filter((sessionId) => !ledgers.has(sessionId));
      return missing.length > 0 ? missing : this.count(manager, batch, ledgers);
    });
    if (!Array.isArray(unknown)) return unknown;

    // Samples that overtook session.started.v1: ask the sessions service, outside any transaction.
    await this.directory.openLedgers(this.dataSource.manager, unknown, correlationId ?? unknown[0]);
    return this.dataSource.transaction(async (manager) =>
      this.count(manager, batch, await this.repository.lockLedgers(manager, batch.sessionIds)),
    );
  }

  private async count(
    manager: EntityManager,
    batch: ParsedBatch,
    ledgers: Map<string, LedgerState>,
  ): Promise<IngestResult> {
    const admission = admit(batch.samples, ledgers, await this.repository.storedHashes(manager, batch.telemetryIds));
    for (const { sample, refusal } of admission.refused) batch.refuseSample(sample, refusal);
    const inserted = await this.repository.insertSamples(manager, admission.accepted);
    // A concurrent batch stored one of these telemetryIds for another session first: roll back and
    // redeliver; the next attempt sees it stored and refuses the copy as TELEMETRY_ID_CONFLICT.
    if (inserted !== admission.accepted.length)
      throw new Error('a sample of this batch was stored concurrently; trying the batch again');
    await this.repository.addToLedgers(manager, admission.increments);
    const recorded = await this.repository.insertRejections(manager, batch.rejections, batch.receivedAt);
    for (const rejection of batch.rejections) {
      if (recorded.delete(rejection.id)) await this.publishRejection(manager, rejection, batch.receivedAt);
    }
    return { accepted: admission.accepted.length, duplicates: admission.duplicates, rejected: batch.rejections.length };
  }

  private async publishRejection(manager: EntityManager, rejection: Rejection, receivedAt: Date): Promise<void> {
    const event: TelemetryRejectedV1 = {
      rejectionId: rejection.id,
      reason: rejection.reason,
      detail: rejection.detail,
      telemetryId: rejection.telemetryId,
      sessionId: rejection.sessionId,
      deviceId: rejection.deviceId,
      receivedAt: receivedAt.toISOString(),
    };
    await addToOutbox(
      manager,
      Exchanges.events,
      TELEMETRY_REJECTED_V1,
      createEnvelope(TELEMETRY_REJECTED_V1, event, { correlationId: rejection.correlationId }),
    );
  }
}
