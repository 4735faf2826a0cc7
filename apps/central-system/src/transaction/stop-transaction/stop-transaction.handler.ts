import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { SessionRpc, type SessionView } from '@chargeflow/contracts';
import { PINO_LOGGER } from '@chargeflow/runtime';
import { BackendClient, BackendRefusal } from '../../ocpp/backend.client';
import type { ChargePointContext, OcppActionHandler } from '../../ocpp/ocpp-action';
import type { MeterValue } from '../domain/meter-reading';
import { MeterSamplePublisher } from '../infrastructure/meter-sample.publisher';
import { TransactionRepository } from '../infrastructure/transaction.repository';
import { publishReadings } from '../meter-values/meter-values.handler';
import { telemetryHasTakenIn } from './telemetry-arrival';

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
 * timestamp) become meter samples, and once telemetry has taken them in the session ends through
 * the seal, so its energy is the register's delta exactly. A retried stop ends nothing twice; a stop
 * for a transaction this charge point does not have is answered and changes nothing.
 */
@Injectable()
export class StopTransactionHandler implements OcppActionHandler<StopTransactionReq, StopTransactionConf> {
  readonly action = 'StopTransaction';

  constructor(
    private readonly backend: BackendClient,
    private readonly transactions: TransactionRepository,
    private readonly meterSamples: MeterSamplePublisher,
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
    const correlationId = `ocpp:${chargePoint.chargePointId}`;
    const skipped = (reason: string) =>
      this.logger.warn({ event: 'ocpp.stop.unreadable', ...chargePoint, reason }, 'transaction data left out');
    await publishReadings(this.meterSamples, transaction, params.transactionData ?? [], skipped);
    const [last] = await publishReadings(
      this.meterSamples,
      transaction,
      [{ timestamp: params.timestamp, sampledValue: [{ value: String(params.meterStop) }] }],
      skipped,
    );
    await this.transactions.recordStop(
      transaction.transactionId,
      String(params.meterStop),
      new Date(params.timestamp),
      params.reason ?? null,
    );
    if (last) await telemetryHasTakenIn(this.backend, transaction.sessionId, last, correlationId);
    try {
      await this.backend.call<SessionView>(
        'sessions',
        SessionRpc.end,
        { sessionId: transaction.sessionId, kind: 'CHARGING' },
        correlationId,
      );
    } catch (error) {
      if (!(error instanceof BackendRefusal && error.error.code === 'SESSION_ALREADY_FINALIZED')) throw error;
    }
    return answer;
  }
}
