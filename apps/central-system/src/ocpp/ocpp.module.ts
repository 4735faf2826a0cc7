import { Module } from '@nestjs/common';
import { ChargePointModule } from '../charge-point/charge-point.module';
import { BootNotificationHandler } from './boot-notification/boot-notification.handler';
import { HeartbeatHandler } from './heartbeat.handler';
import { OCPP_ACTION_HANDLERS } from './ocpp-action';
import { OcppServer } from './ocpp-server';
import { StatusNotificationHandler } from './status-notification/status-notification.handler';

/** The OCPP-J endpoint and one handler per action it answers. */
@Module({
  imports: [ChargePointModule],
  providers: [
    OcppServer,
    BootNotificationHandler,
    HeartbeatHandler,
    StatusNotificationHandler,
    {
      provide: OCPP_ACTION_HANDLERS,
      useFactory: (...handlers: unknown[]) => handlers,
      inject: [BootNotificationHandler, HeartbeatHandler, StatusNotificationHandler],
    },
  ],
})
export class OcppModule {}
