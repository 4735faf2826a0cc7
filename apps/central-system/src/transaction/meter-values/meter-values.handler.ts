import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { PINO_LOGGER } from '@chargeflow/runtime';
import type { ChargePointContext, OcppActionHandler } from '../../ocpp/ocpp-action';
import { registerReading, UnreadableMeterValue, type MeterValue } from '../domain/meter-reading';
import { MeterSamplePublisher } from '../infrastructure/meter-sample.publisher';
import { TransactionRepository, type TransactionRecord } from '../infrastructure/transaction.repository';

interface MeterValuesReq {
  connectorId: number;
  transactionId?: number;
  meterValue: MeterValue[];
}

/**
 * Publishes a transaction's register readings as meter samples. Readings outside a known transaction
 * of this charge point, and unreadable ones, are answered and left out with a reason.
 */
@Injectable()
export class MeterValuesHandler implements OcppActionHandler<MeterValuesReq, object> {
  readonly action = 'MeterValues';

  constructor(
    private readonly transactions: TransactionRepository,
    private readonly meterSamples: MeterSamplePublisher,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  async handle(chargePoint: ChargePointContext, params: MeterValuesReq): Promise<object> {
    if (params.transactionId === undefined) return {};
    const transaction = await this.transactions.find(chargePoint.chargePointId, params.transactionId);
    if (!transaction) {
      this.logger.warn(
        { event: 'ocpp.meter-values.unknown-transaction', ...chargePoint, transactionId: params.transactionId },
        'meter values for an unknown transaction left out',
      );
      return {};
    }
    await publishReadings(this.meterSamples, transaction, params.meterValue, (reason) =>
      this.logger.warn({ event: 'ocpp.meter-values.unreadable', ...chargePoint, reason }, 'meter value left out'),
    );
    return {};
  }
}

/** Each MeterValue's register reading, published in order; an unreadable one is reported and skipped. */
export async function publishReadings(
  meterSamples: MeterSamplePublisher,
  transaction: TransactionRecord,
  meterValues: MeterValue[],
  skipped: (reason: string) => void,
): Promise<string[]> {
  const published: string[] = [];
  for (const meterValue of meterValues) {
    let reading;
    try {
      reading = registerReading(meterValue);
    } catch (error) {
      if (!(error instanceof UnreadableMeterValue)) throw error;
      skipped(error.message);
      continue;
    }
    if (reading) published.push(await meterSamples.publish(transaction, reading));
  }
  return published;
}
