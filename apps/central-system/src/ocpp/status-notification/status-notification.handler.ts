import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  CONNECTOR_STATUS_CHANGED_V1,
  createEnvelope,
  Exchanges,
  type ConnectorStatus,
  type ConnectorStatusChangedV1,
} from '@chargeflow/contracts';
import { addToOutbox } from '@chargeflow/messaging';
import { ChargePointRepository } from '../../charge-point/infrastructure/charge-point.repository';
import type { ChargePointContext, OcppActionHandler } from '../ocpp-action';

interface StatusNotificationReq {
  connectorId: number;
  errorCode: string;
  status: ConnectorStatus;
  info?: string;
  timestamp?: string;
}

/**
 * Stores a connector's status and publishes `connector.status-changed.v1` in the same transaction.
 * A status older than the stored one (a late retry) is answered and changes nothing; a timestamp
 * from the future counts as now, so a wrong clock cannot freeze a connector's status.
 */
@Injectable()
export class StatusNotificationHandler implements OcppActionHandler<StatusNotificationReq, object> {
  readonly action = 'StatusNotification';

  constructor(
    private readonly dataSource: DataSource,
    private readonly chargePoints: ChargePointRepository,
  ) {}

  async handle(chargePoint: ChargePointContext, params: StatusNotificationReq): Promise<object> {
    const now = Date.now();
    const given = params.timestamp ? Date.parse(params.timestamp) : now;
    const event: ConnectorStatusChangedV1 = {
      chargePointId: chargePoint.chargePointId,
      connectorId: params.connectorId,
      status: params.status,
      errorCode: params.errorCode,
      statusAt: new Date(Number.isNaN(given) ? now : Math.min(given, now)).toISOString(),
      ...(params.info === undefined ? {} : { info: params.info }),
    };
    await this.dataSource.transaction(async (manager) => {
      if (!(await this.chargePoints.saveStatus(manager, event))) return;
      await addToOutbox(
        manager,
        Exchanges.events,
        CONNECTOR_STATUS_CHANGED_V1,
        createEnvelope(CONNECTOR_STATUS_CHANGED_V1, event, { correlationId: `ocpp:${chargePoint.chargePointId}` }),
      );
    });
    return {};
  }
}
