import { Inject, Injectable } from '@nestjs/common';
import { ChargePointRepository } from '../../charge-point/infrastructure/charge-point.repository';
import type { ChargePointContext, OcppActionHandler } from '../ocpp-action';

export const HEARTBEAT_INTERVAL_S = Symbol('HEARTBEAT_INTERVAL_S');

interface BootNotificationReq {
  chargePointVendor: string;
  chargePointModel: string;
}

interface BootNotificationConf {
  status: 'Accepted' | 'Rejected';
  currentTime: string;
  interval: number;
}

/** Accepts a registered charge point (recording what it says it is) and rejects any other. */
@Injectable()
export class BootNotificationHandler implements OcppActionHandler<BootNotificationReq, BootNotificationConf> {
  readonly action = 'BootNotification';

  constructor(
    private readonly chargePoints: ChargePointRepository,
    @Inject(HEARTBEAT_INTERVAL_S) private readonly intervalS: number,
  ) {}

  async handle(chargePoint: ChargePointContext, params: BootNotificationReq): Promise<BootNotificationConf> {
    const now = new Date();
    const known = await this.chargePoints.recordBoot(
      chargePoint.chargePointId,
      params.chargePointVendor,
      params.chargePointModel,
      now,
    );
    return { status: known ? 'Accepted' : 'Rejected', currentTime: now.toISOString(), interval: this.intervalS };
  }
}
