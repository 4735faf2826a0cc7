import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { createEnvelope, Exchanges, TELEMETRY_REJECTED_V1, type TelemetryRejectedV1 } from '@chargeflow/contracts';
import { addToOutbox } from '@chargeflow/messaging';
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

/** A batch after the checks that need no database: the well-formed samples and the refusals so far. */
class ParsedBatch {
  readonly samples: Sample[] = [];
  readonly rejections: Rejection[] = [];
  private readonly origin = new Map<Sample, DeviceMessage>();

  constructor(
    messages: DeviceMessage[],
    readonly receivedAt: Date,
  ) {
    for (const message of messages) {
      const parsed = parseSample(message.content, receivedAt, message.routingKey);
      if ('refusal' in parsed) {
        this.refuse(parsed.refusal, message);
      } else {
        this.samples.push(parsed.sample);
        this.origin.set(parsed.sample, message);
      }
    }
  }

  get sessionIds(): string[] {
    return [...new Set(this.samples.map((sample) => sample.sessionId))];
  }

  get telemetryIds(): string[] {
    return [...new Set(this.samples.map((sample) => sample.telemetryId))];
  }

  refuse(refusal: Refusal, message: DeviceMessage): void {
    const id = randomUUID();
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
 */
@Injectable()
export class IngestSamplesHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: IngestRepository,
    private readonly directory: SessionDirectory,
  ) {}

  async handle(messages: DeviceMessage[]): Promise<IngestResult> {
    const batch = new ParsedBatch(messages, new Date());
    const unknown = await this.dataSource.transaction(async (manager) => {
      const ledgers = await this.repository.lockLedgers(manager, batch.sessionIds);
      const missing = batch.sessionIds.filter((sessionId) => !ledgers.has(sessionId));
      return missing.length > 0 ? missing : this.count(manager, batch, ledgers);
    });
    if (!Array.isArray(unknown)) return unknown;

    // Samples that overtook session.started.v1: ask the sessions service, outside any transaction.
    await this.directory.openLedgers(this.dataSource.manager, unknown, messages[0]?.correlationId ?? unknown[0]);
    return this.dataSource.transaction(async (manager) => this.count(manager, batch, await this.repository.lockLedgers(manager, batch.sessionIds)));
  }

  private async count(manager: EntityManager, batch: ParsedBatch, ledgers: Map<string, LedgerState>): Promise<IngestResult> {
    const admission = admit(batch.samples, ledgers, await this.repository.storedHashes(manager, batch.telemetryIds));
    for (const { sample, refusal } of admission.refused) batch.refuseSample(sample, refusal);
    const inserted = await this.repository.insertSamples(manager, admission.accepted);
    // A concurrent batch stored one of these telemetryIds for another session first: roll back and
    // redeliver; the next attempt sees it stored and refuses the copy as TELEMETRY_ID_CONFLICT.
    if (inserted !== admission.accepted.length) throw new Error('a sample of this batch was stored concurrently; trying the batch again');
    await this.repository.addToLedgers(manager, admission.increments);
    await this.repository.insertRejections(manager, batch.rejections, batch.receivedAt);
    for (const rejection of batch.rejections) await this.publishRejection(manager, rejection, batch.receivedAt);
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
    await addToOutbox(manager, Exchanges.events, TELEMETRY_REJECTED_V1, createEnvelope(TELEMETRY_REJECTED_V1, event, { correlationId: rejection.correlationId }));
  }
}
