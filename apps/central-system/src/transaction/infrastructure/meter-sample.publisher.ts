import { Injectable } from '@nestjs/common';
import { Exchanges, TELEMETRY_ROUTING, type TelemetrySampleMessage } from '@chargeflow/contracts';
import { ConfirmPublisher } from '@chargeflow/messaging';
import { nameBasedUuid } from '@chargeflow/runtime';
import { ENERGY_REGISTER, type RegisterReading } from '../domain/meter-reading';
import type { TransactionRecord } from './transaction.repository';

/** The namespace of the telemetryIds of OCPP meter readings (RFC 9562 name-based UUIDs). */
const OCPP_READINGS = '3f1c9a52-7e4b-4d0a-9b6e-2c8d5f7a1e03';

/**
 * The telemetryId of a transaction's register reading at `at`: derived from (charge point,
 * transaction, instant, measurand), so a retried frame gives the same sample and is counted once.
 */
export function meterReadingId(chargePointId: string, transactionId: number, at: Date): string {
  return nameBasedUuid(OCPP_READINGS, [chargePointId, transactionId, at.getTime(), ENERGY_REGISTER].join('\n'));
}

/**
 * A register reading of a transaction as a meter sample on the `telemetry` exchange, named by
 * meterReadingId; `seq` is the reading's instant in epoch milliseconds.
 */
@Injectable()
export class MeterSamplePublisher {
  constructor(private readonly publisher: ConfirmPublisher) {}

  async publish(transaction: TransactionRecord, reading: RegisterReading): Promise<string> {
    const seq = reading.at.getTime();
    const telemetryId = meterReadingId(transaction.chargePointId, transaction.transactionId, reading.at);
    const sample: TelemetrySampleMessage = {
      telemetryId,
      sessionId: transaction.sessionId,
      stationId: transaction.stationId,
      emittedAt: reading.at.toISOString(),
      meterWh: Number(reading.wh),
      seq,
    };
    await this.publisher.publish(
      Exchanges.telemetry,
      TELEMETRY_ROUTING.stationMeter(transaction.stationId),
      Buffer.from(JSON.stringify(sample)),
      { messageId: telemetryId },
    );
    return telemetryId;
  }
}
