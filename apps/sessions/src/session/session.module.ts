import { Module, type DynamicModule } from '@nestjs/common';
import { AmqpConnection, RpcClient } from '@chargeflow/messaging';
import { FleetModule } from '../fleet/fleet.module';
import { EndSessionHandler } from './end-session/end-session.handler';
import { SEAL_TIMEOUT_MS, TelemetrySealClient } from './end-session/telemetry-seal.client';
import { SessionRepository } from './infrastructure/session.repository';
import { QuerySessionsHandler } from './query-sessions/query-sessions.handler';
import { SessionRpcController } from './session.rpc.controller';
import { StartChargingHandler } from './start-charging/start-charging.handler';
import { StartRideHandler } from './start-ride/start-ride.handler';

/** Rides and charging sessions, from start to their sealed, immutable totals. */
@Module({})
export class SessionModule {
  static register(sealTimeoutMs: number): DynamicModule {
    return {
      module: SessionModule,
      imports: [FleetModule],
      controllers: [SessionRpcController],
      providers: [
        SessionRepository,
        StartRideHandler,
        StartChargingHandler,
        EndSessionHandler,
        QuerySessionsHandler,
        TelemetrySealClient,
        { provide: SEAL_TIMEOUT_MS, useValue: sealTimeoutMs },
        {
          provide: RpcClient,
          useFactory: (connection: AmqpConnection) => RpcClient.create(connection),
          inject: [AmqpConnection],
        },
      ],
    };
  }
}
