import { Injectable } from '@nestjs/common';
import { SessionRpc, type AuthorizationStatus, type StartedAtConnectorView } from '@chargeflow/contracts';
import { nameBasedUuid } from '@chargeflow/runtime';
import type { ChargePointContext, OcppActionHandler } from '../../ocpp/ocpp-action';
import { BackendClient, BackendRefusal } from '../../ocpp/backend.client';
import { EndChargeHandler } from '../end-charge/end-charge.handler';
import { MeterSamplePublisher } from '../infrastructure/meter-sample.publisher';
import { TransactionRepository, type TransactionStart } from '../infrastructure/transaction.repository';

/** The namespace of the session ids of OCPP transactions: a retried start names the same session. */
const OCPP_SESSIONS = '8b0e4f6a-2d1c-4e7b-a3f9-5c6d7e8f9a0b';

interface StartTransactionReq {
  connectorId: number;
  idTag: string;
  meterStart: number;
  timestamp: string;
  reservationId?: number;
}

interface StartTransactionConf {
  transactionId: number;
  idTagInfo: { status: AuthorizationStatus | 'ConcurrentTx' };
}

/** A session id (the sessions service names a blocker that ended meanwhile 'unknown'). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a refused start answers: OCPP 1.6 needs a transactionId; 0 is never a transaction's. */
const refused = (status: StartTransactionConf['idTagInfo']['status']): StartTransactionConf => ({
  transactionId: 0,
  idTagInfo: { status },
});

/**
 * StartTransaction: the idTag's token names the vehicle, the connector names the station, and the
 * sessions service starts the charge under its rules (one active session per vehicle and station), all
 * in one request to it.
 * The session id is derived from the start itself, so a retry after a lost answer finds the same
 * session and the same transactionId; the start's meter reading is the session's first sample.
 */
@Injectable()
export class StartTransactionHandler implements OcppActionHandler<StartTransactionReq, StartTransactionConf> {
  readonly action = 'StartTransaction';

  constructor(
    private readonly backend: BackendClient,
    private readonly transactions: TransactionRepository,
    private readonly meterSamples: MeterSamplePublisher,
    private readonly endCharge: EndChargeHandler,
  ) {}

  async handle(chargePoint: ChargePointContext, params: StartTransactionReq): Promise<StartTransactionConf> {
    const startedAt = new Date(params.timestamp);
    const start: TransactionStart = {
      chargePointId: chargePoint.chargePointId,
      connectorId: params.connectorId,
      idTag: params.idTag,
      meterStartWh: String(params.meterStart),
      startedAt,
    };
    const correlationId = `ocpp:${chargePoint.chargePointId}`;
    const earlier = await this.transactions.findStart(start);
    if (earlier) {
      // The first attempt may have failed after recording the start: its first reading goes out again, once.
      await this.meterSamples.publish(earlier, { at: startedAt, wh: start.meterStartWh });
      return { transactionId: earlier.transactionId, idTagInfo: { status: 'Accepted' } };
    }

    const sessionId = nameBasedUuid(
      OCPP_SESSIONS,
      [start.chargePointId, start.connectorId, start.idTag.toLowerCase(), start.meterStartWh, startedAt.getTime()].join(
        '\n',
      ),
    );
    const started = await this.startCharge(chargePoint, params, sessionId, correlationId);
    if (!started) return refused('ConcurrentTx');
    if (started.status !== 'Accepted') return refused(started.status);
    const stationId = started.session?.stationId;
    if (!stationId) throw new Error(`sessions accepted the start of ${sessionId} without a charge at a station`);
    const transaction = await this.transactions.insert(start, sessionId, stationId);
    await this.meterSamples.publish(transaction, { at: startedAt, wh: start.meterStartWh });
    return { transactionId: transaction.transactionId, idTagInfo: { status: 'Accepted' } };
  }

  /**
   * Asks the sessions service to start the charge; null when an active session is in the way. A
   * charger often starts again right after a stop, whose charge ends after the stop's answer: a
   * blocker that is such a charge is ended first (or had just ended: 'unknown') and the start asked
   * again, for each of the two blockers a start can have (its vehicle's, its station's).
   */
  private async startCharge(
    chargePoint: ChargePointContext,
    params: StartTransactionReq,
    sessionId: string,
    correlationId: string,
  ): Promise<StartedAtConnectorView | null> {
    const endedInTheWay = new Set<string>();
    for (;;) {
      try {
        return await this.backend.call<StartedAtConnectorView>(
          'sessions',
          SessionRpc.startChargingAtConnector,
          {
            id: sessionId,
            idTag: params.idTag,
            chargePointId: chargePoint.chargePointId,
            connectorId: params.connectorId,
          },
          correlationId,
        );
      } catch (error) {
        const refusal = error instanceof BackendRefusal ? error.error : null;
        if (refusal?.code !== 'VEHICLE_HAS_ACTIVE_SESSION' && refusal?.code !== 'STATION_HAS_ACTIVE_SESSION')
          throw error;
        const inTheWay = String(refusal.details?.activeSessionId ?? '');
        if (endedInTheWay.size >= 2 || endedInTheWay.has(inTheWay)) return null;
        endedInTheWay.add(inTheWay);
        if (inTheWay !== 'unknown' && !(UUID.test(inTheWay) && (await this.endCharge.endedIfStopped(inTheWay)))) {
          return null;
        }
      }
    }
  }
}
