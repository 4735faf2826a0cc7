import { Injectable } from '@nestjs/common';
import type { OcppActionHandler } from './ocpp-action';

/** Heartbeat: the charge point learns the central-system's time (and that it is still connected). */
@Injectable()
export class HeartbeatHandler implements OcppActionHandler<object, { currentTime: string }> {
  readonly action = 'Heartbeat';

  async handle(): Promise<{ currentTime: string }> {
    return { currentTime: new Date().toISOString() };
  }
}
