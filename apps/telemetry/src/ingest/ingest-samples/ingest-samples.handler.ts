import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { createEnvelope, Exchanges, TELEMETRY_REJECTED_V1, type TelemetryRejectedV1 } from '@chargeflow/contracts';
import { addToOutbox } from '@chargeflow/messaging';
import { admit } from '../domain/admission';
import { parseSample, type Sample } from '../domain/sample';
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
    const receivedAt = new Date();
    const rejections: (RejectionRecord & { correlationId: string })[] = [];
    const samples: Sample[] = [];
    const origin = new Map<Sample, DeviceMessage>();
    for (const message of messages) {
      const parsed = parseSample(message.content, receivedAt, message.routingKey);
      if ('refusal' in parsed) {
        rejections.push(this.rejection(parsed.refusal, message));
      } else {
        samples.push(parsed.sample);
        origin.set(parsed.sample, message);
      }
    }
    const sessionIds = [...new Set(samples.map((sample) => sample.sessionId))];
    const known = await this.repository.knownLedgers(this.dataSource.manager, sessionIds);
    const unknown = sessionIds.filter((sessionId) => !known.has(sessionId));
    if (unknown.length > 0) await this.directory.openLedgers(this.dataSource.manager, unknown, messages[0]?.correlationId ?? unknown[0]);

    return this.dataSource.transaction(async (manager) => {
      const ledgers = await this.repository.lockLedgers(manager, sessionIds);
      const stored = await this.repository.storedHashes(manager, [...new Set(samples.map((sample) => sample.telemetryId))]);
      const admission = admit(samples, ledgers, stored);
      for (const { sample, refusal } of admission.refused) rejections.push(this.rejection(refusal, origin.get(sample) as DeviceMessage));
      await this.repository.insertSamples(manager, admission.accepted);
      await this.repository.addToLedgers(manager, admission.increments);
      await this.repository.insertRejections(manager, rejections, receivedAt);
      await this.publishRejections(manager, rejections, receivedAt);
      return { accepted: admission.accepted.length, duplicates: admission.duplicates, rejected: rejections.length };
    });
  }

  private rejection(refusal: RejectionRecord | Omit<RejectionRecord, 'id' | 'payload'>, message: DeviceMessage): RejectionRecord & { correlationId: string } {
    const id = randomUUID();
    return { ...refusal, id, payload: message.content.toString('utf8'), correlationId: message.correlationId ?? refusal.telemetryId ?? id };
  }

  private async publishRejections(manager: EntityManager, rejections: (RejectionRecord & { correlationId: string })[], receivedAt: Date): Promise<void> {
    for (const rejection of rejections) {
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
}
