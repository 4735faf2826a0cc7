import { Module } from '@nestjs/common';
import { AmqpConnection, ConfirmPublisher } from '@chargeflow/messaging';
import { BackendClient } from '../backend/backend.client';
import { GatewayConfig } from '../config';
import { AnalyticsController } from './analytics/analytics.controller';
import { ChargePointsController } from './charge-points/charge-points.controller';
import { OcppLogController } from './charge-points/ocpp-log.controller';
import { RemoteCommandsController } from './charge-points/remote-commands.controller';
import { RidersController } from './fleet/riders.controller';
import { StationsController } from './fleet/stations.controller';
import { VehiclesController } from './fleet/vehicles.controller';
import { ChargingSessionsController } from './sessions/charging-sessions.controller';
import { RidesController } from './sessions/rides.controller';
import { BillingController } from './pricing/billing.controller';
import { TariffsController } from './pricing/tariffs.controller';
import { SessionsController } from './sessions/sessions.controller';
import { TelemetryController } from './telemetry/telemetry.controller';

/** The v1 REST resources, each answered by the service that owns it. */
@Module({
  controllers: [
    RidesController,
    ChargingSessionsController,
    SessionsController,
    TelemetryController,
    TariffsController,
    BillingController,
    VehiclesController,
    StationsController,
    RidersController,
    AnalyticsController,
    ChargePointsController,
    RemoteCommandsController,
    OcppLogController,
  ],
  providers: [
    BackendClient,
    {
      provide: ConfirmPublisher,
      useFactory: (connection: AmqpConnection, config: GatewayConfig) =>
        ConfirmPublisher.create(connection, { confirmTimeoutMs: config.BROKER_CONFIRM_TIMEOUT_MS }),
      inject: [AmqpConnection, GatewayConfig],
    },
  ],
})
export class ApiModule {}
