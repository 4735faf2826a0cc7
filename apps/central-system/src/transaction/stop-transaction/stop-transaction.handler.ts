import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { PINO_LOGGER } from '@chargeflow/runtime';
import type { ChargePointContext, OcppActionHandler } from '../../ocpp/ocpp-action';
import type { MeterValue } from '../domain/meter-reading';
import { EndChargeHandler } from '../end-charge/end-charge.handler';
import { CHARGE_END_LEASE_MS } from '../end-charge/stopped-charges.reconciler';
import { MeterSamplePublisher } from '../infrastructure/meter-sample.publisher';
import { TransactionRepository } from '../infrastructure/transaction.repository';
import { publishReadings } from '../meter-values/meter-values.handler';

interface StopTransactionReq {
  transactionId: number;
  meterStop: number;
  timestamp: string;
  idTag?: string;
  reason?: string;
  transactionData?: MeterValue[];
}

interface StopTransactionConf {
  idTagInfo?: { status: 'Accepted' };
}

/**
 * StopTransaction: the transaction's last readings (transactionData, then meterStop at the stop's
 * timestamp) become meter samples, the stop is recorded with its charge's end due, and the charge
 * point is answered; the charging session then ends in the background once telemetry has taken in
 * the start's and the stop's readings (EndChargeHandler), so the answer never waits on telemetry's
 * backlog. A retried stop ends nothing twice; a stop for a transaction this charge point does not
 * have is answered and changes nothing.
 */
@Injectable()
export class StopTransactionHandler implements OcppActionHandler<StopTransactionReq, StopTransactionConf> {
  readonly action = 'StopTransaction';

  constructor(
    private readonly transactions: TransactionRepository,
    private readonly meterSamples: MeterSamplePublisher,
    private readonly endCharge: EndChargeHandler,
    @Inject(CHARGE_END_LEASE_MS) private readonly endLeaseMs: number,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  async handle(chargePoint: ChargePointContext, params: StopTransactionReq): Promise<StopTransactionConf> {
    const answer: StopTransactionConf = params.idTag ? { idTagInfo: { status: 'Accepted' } } : {};
    const transaction = await this.transactions.find(chargePoint.chargePointId, params.transactionId);
    if (!transaction) {
      this.logger.warn(
        { event: 'ocpp.stop.unknown-transaction', ...chargePoint, transactionId: params.transactionId },
        'StopTransaction for an unknown transaction answered; nothing changed',
      );
      return answer;
    }
    const skipped = (reason: string) =>
      this.logger.warn({ event: 'ocpp.stop.unreadable', ...chargePoint, reason }, 'transaction data left out');
    await publishReadings(this.meterSamples, transaction, params.transactionData ?? [], skipped);
    const [last] = await publishReadings(
      this.meterSamples,
      transaction,
      [{ timestamp: params.timestamp, sampledValue: [{ value: String(params.meterStop) }] }],
      skipped,
    );
    const stopped = await this.transactions.recordStop(
      {
        transactionId: transaction.transactionId,
        meterStopWh: String(params.meterStop),
        stoppedAt: new Date(params.timestamp),
        reason: params.reason ?? null,
        lastTelemetryId: last ?? null,
      },
      this.endLeaseMs,
    );
    // A retried stop finds its end kept already, unless the stop was recorded before ends were kept.
    const charge = stopped ?? (await this.transactions.holdUnscheduledEnd(transaction.transactionId, this.endLeaseMs));
    if (charge) this.endCharge.startAttempt(charge);
    return answer;
  }
}
