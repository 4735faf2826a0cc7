import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  createEnvelope,
  Exchanges,
  SAMPLE_LIMITS,
  TELEMETRY_REJECTED_V1,
  type TelemetryRejectedV1,
} from '@chargeflow/contracts';
import { addToOutbox } from '@chargeflow/messaging';
import { isContentError, nameBasedUuid, storable } from '@chargeflow/runtime';
import { admit, type AdmissionRules, type LedgerState } from '../domain/admission';
import { parseSample, type Refusal, type Sample } from '../domain/sample';
import {
  IngestRepository,
  MAX_STORED_PAYLOAD_BYTES,
  type ParkedMessage,
  type RejectionRecord,
} from '../infrastructure/ingest.repository';
import { SessionDirectory } from './session-directory';

/** One device message as it came off the queue (or out of the parking, with its parked id). */
export interface DeviceMessage {
  content: Buffer;
  routingKey: string;
  correlationId?: string;
  /** The AMQP messageId its publisher set: kept on a rejection, so a publisher can find what became of even an unreadable message. */
  messageId?: string;
  parkedId?: string;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Samples set aside because the sessions service could not describe their session. */
  parked: number;
}

type Rejection = RejectionRecord & { correlationId: string };

export const NO_RESULT: IngestResult = { accepted: 0, duplicates: 0, rejected: 0, parked: 0 };

export const INGEST_LANES = Symbol('INGEST_LANES');
export const INGEST_RULES = Symbol('INGEST_RULES');

/** The UUID namespace of rejection ids (a fixed, random v4 UUID). */
const REJECTIONS = '5d0f3b7a-9c2e-4e61-8b4f-2a7c9e1d6f30';
/** The UUID namespace of rejection ids of messages that carry a messageId (a fixed, random v4 UUID). */
const PUBLISHED_REJECTIONS = '44054449-ebeb-45ca-bb5f-aa9c5a9e272f';
/** The UUID namespace of parked messages (a fixed, random v4 UUID). */
const PARKED = '8e2b6d14-3f7a-4c95-b0d8-61a4e9c27f53';
const MAX_DETAIL = 1_000;

/**
 * A rejection's id names the publish and the reason: a redelivered message is recorded (and published)
 * once. A publish is its messageId when its publisher set one, so two publishes of the same bytes are
 * two rejections, each linked to its publish; without one, the same bytes refused again are one.
 */
function rejectionIdOf(reason: string, message: DeviceMessage): string {
  if (message.messageId === undefined)
    return nameBasedUuid(REJECTIONS, Buffer.concat([Buffer.from(`${reason}\n`), message.content]));
  // A namespace of its own and a length-prefixed id: no messageId and body can pass for another pair.
  const publish = `${reason}\n${Buffer.byteLength(message.messageId)}:${message.messageId}`;
  return nameBasedUuid(PUBLISHED_REJECTIONS, Buffer.concat([Buffer.from(publish), message.content]));
}

/** The lane of a session: a session's samples always go through the same lane, in arrival order. */
export function laneOf(sessionId: string, lanes: number): number {
  return Number.parseInt(sessionId.slice(-8), 16) % lanes;
}

/** A batch after the checks that need no database: the well-formed samples and the refusals so far. */
class ParsedBatch {
  readonly samples: Sample[] = [];
  readonly rejections: Rejection[] = [];
  /** The messages this batch judges, in arrival order: a failing batch is bisected over them. */
  readonly messages: DeviceMessage[] = [];
  /** Messages set aside in this attempt: they stay parked. */
  readonly aside = new Set<DeviceMessage>();
  private readonly origin = new Map<Sample, DeviceMessage>();

  constructor(readonly receivedAt: Date) {}

  static parse(messages: DeviceMessage[], receivedAt: Date): ParsedBatch {
    const batch = new ParsedBatch(receivedAt);
    for (const message of messages) {
      batch.messages.push(message);
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
    const sampled = new Set(this.origin.values());
    parts[0].messages.push(...this.messages.filter((message) => !sampled.has(message)));
    for (const sample of this.samples) {
      const part = parts[laneOf(sample.sessionId, lanes)];
      const message = this.origin.get(sample) as DeviceMessage;
      part.samples.push(sample);
      part.messages.push(message);
      part.origin.set(sample, message);
    }
    return parts.filter((part) => part.messages.length > 0);
  }

  /** The same messages in two halves, each judged again from its bytes. */
  halves(): [ParsedBatch, ParsedBatch] {
    const half = Math.ceil(this.messages.length / 2);
    return [
      ParsedBatch.parse(this.messages.slice(0, half), this.receivedAt),
      ParsedBatch.parse(this.messages.slice(half), this.receivedAt),
    ];
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
    const id = rejectionIdOf(refusal.reason, message);
    this.rejections.push({
      reason: refusal.reason,
      detail: storable(refusal.detail, MAX_DETAIL),
      telemetryId: storable(refusal.telemetryId, SAMPLE_LIMITS.maxIdLength),
      sessionId: storable(refusal.sessionId, SAMPLE_LIMITS.maxIdLength),
      deviceId: storable(refusal.deviceId, SAMPLE_LIMITS.maxIdLength),
      id,
      payload: storedPayload(message.content),
      messageId: storable(message.messageId ?? null, SAMPLE_LIMITS.maxIdLength),
      correlationId: storable(message.correlationId ?? refusal.telemetryId ?? id, SAMPLE_LIMITS.maxIdLength),
    });
  }

  refuseSample(sample: Sample, refusal: Refusal): void {
    this.refuse(refusal, this.origin.get(sample) as DeviceMessage);
  }

  /** Takes out the samples of sessions no one could describe; resolves their messages, to be parked. */
  setAside(sessionIds: Set<string>): ParkedMessage[] {
    if (sessionIds.size === 0) return [];
    const parked: ParkedMessage[] = [];
    const kept = this.samples.filter((sample) => {
      if (!sessionIds.has(sample.sessionId)) return true;
      const message = this.origin.get(sample) as DeviceMessage;
      this.aside.add(message);
      parked.push({
        id:
          message.parkedId ??
          nameBasedUuid(PARKED, Buffer.concat([Buffer.from(`${message.routingKey}\n`), message.content])),
        sessionId: sample.sessionId,
        routingKey: message.routingKey,
        correlationId: message.correlationId ?? null,
        messageId: message.messageId ?? null,
        content: message.content,
      });
      return false;
    });
    this.samples.splice(0, this.samples.length, ...kept);
    return parked;
  }
}

/** The text kept of a refused message: a bounded prefix, made storable. */
function storedPayload(content: Buffer): string {
  return storable(content.subarray(0, MAX_STORED_PAYLOAD_BYTES).toString('utf8'), MAX_STORED_PAYLOAD_BYTES);
}

/**
 * Counts a batch of samples exactly once: new samples are inserted and added to their ledgers in one
 * transaction with the rejections (and their `telemetry.rejected.v1` events) of the same batch. A
 * redelivered batch finds its samples stored and changes nothing.
 *
 * The batch is split into lanes by session, each lane its own transaction, run side by side: lanes
 * never share a ledger row. If one lane fails, the whole batch is tried again: the lanes that committed
 * find their samples stored and their rejections recorded, and change nothing twice. A lane that fails
 * for what one of its rows holds is bisected until that message is found and refused as UNSTORABLE.
 * Samples of a session the sessions service cannot describe (an outage) are parked, not held.
 */
@Injectable()
export class IngestSamplesHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: IngestRepository,
    private readonly directory: SessionDirectory,
    @Inject(INGEST_LANES) private readonly lanes: number,
    @Inject(INGEST_RULES) private readonly rules: AdmissionRules,
  ) {}

  async handle(messages: DeviceMessage[]): Promise<IngestResult> {
    const lanes = ParsedBatch.parse(messages, new Date()).split(this.lanes);
    // Every lane settles before the batch does, so a retry never runs beside a lane still at work.
    const settled = await Promise.allSettled(lanes.map((lane) => this.judge(lane, messages[0]?.correlationId)));
    const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    return (settled as PromiseFulfilledResult<IngestResult>[]).map((outcome) => outcome.value).reduce(sum, NO_RESULT);
  }

  /** Writes a lane; if a row's content makes it fail, writes each half apart, down to the one message. */
  private async judge(batch: ParsedBatch, correlationId: string | undefined): Promise<IngestResult> {
    try {
      return await this.handleLane(batch, correlationId);
    } catch (error) {
      if (!isContentError(error)) throw error;
      if (batch.messages.length === 1) return this.refuseUnstorable(batch, error as Error);
      const [first, second] = batch.halves();
      return sum(await this.judge(first, correlationId), await this.judge(second, correlationId));
    }
  }

  private async refuseUnstorable(batch: ParsedBatch, error: Error): Promise<IngestResult> {
    const [message] = batch.messages;
    const [sample] = batch.samples;
    const lone = new ParsedBatch(batch.receivedAt);
    lone.refuse(
      {
        reason: 'UNSTORABLE',
        detail: `the database refused to store this message: ${error.message}`,
        telemetryId: sample?.telemetryId ?? null,
        sessionId: sample?.sessionId ?? null,
        deviceId: sample?.deviceId ?? null,
      },
      message,
    );
    await this.dataSource.transaction(async (manager) => {
      await this.record(manager, lone);
      if (message.parkedId) await this.repository.unpark(manager, [message.parkedId]);
    });
    return { ...NO_RESULT, rejected: 1 };
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
    const unanswered = await this.directory.openLedgers(this.dataSource.manager, unknown, correlationId ?? unknown[0]);
    const parked = batch.setAside(unanswered);
    return this.dataSource.transaction(async (manager) => {
      await this.repository.park(manager, parked);
      const result = await this.count(manager, batch, await this.repository.lockLedgers(manager, batch.sessionIds));
      return { ...result, parked: parked.length };
    });
  }

  private async count(
    manager: EntityManager,
    batch: ParsedBatch,
    ledgers: Map<string, LedgerState>,
  ): Promise<IngestResult> {
    const admission = admit(
      batch.samples,
      ledgers,
      await this.repository.storedHashes(manager, batch.telemetryIds),
      this.rules,
    );
    for (const { sample, refusal } of admission.refused) batch.refuseSample(sample, refusal);
    const inserted = await this.repository.insertSamples(manager, admission.accepted);
    // A concurrent batch stored one of these telemetryIds for another session first: roll back and
    // redeliver; the next attempt sees it stored and refuses the copy as TELEMETRY_ID_CONFLICT.
    if (inserted !== admission.accepted.length)
      throw new Error('a sample of this batch was stored concurrently; trying the batch again');
    await this.repository.addToLedgers(manager, admission.increments);
    await this.record(manager, batch);
    // Parked messages judged now leave the parking in the same transaction that counts or refuses them.
    const judged = batch.messages.filter((message) => message.parkedId !== undefined && !batch.aside.has(message));
    await this.repository.unpark(
      manager,
      judged.map((message) => message.parkedId as string),
    );
    return {
      accepted: admission.accepted.length,
      duplicates: admission.duplicates,
      rejected: batch.rejections.length,
      parked: 0,
    };
  }

  private async record(manager: EntityManager, batch: ParsedBatch): Promise<void> {
    const recorded = await this.repository.insertRejections(manager, batch.rejections, batch.receivedAt);
    for (const rejection of batch.rejections) {
      if (recorded.delete(rejection.id)) await this.publishRejection(manager, rejection, batch.receivedAt);
    }
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

function sum(total: IngestResult, result: IngestResult): IngestResult {
  return {
    accepted: total.accepted + result.accepted,
    duplicates: total.duplicates + result.duplicates,
    rejected: total.rejected + result.rejected,
    parked: total.parked + result.parked,
  };
}
