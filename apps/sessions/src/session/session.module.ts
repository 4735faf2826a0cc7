import { Module, type DynamicModule } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AmqpConnection, RpcClient } from '@chargeflow/messaging';
import { FleetModule } from '../fleet/fleet.module';
import { SESSION_REPOSITORY, SESSIONS_DATABASE, type SessionsDatabase } from './domain/session.repository';
import { TELEMETRY_SEAL } from './domain/telemetry-seal';
import { EndChargingHandler } from './end-charging/end-charging.handler';
import { EndRideHandler } from './end-ride/end-ride.handler';
import { SEAL_TIMEOUT_MS, TelemetrySealClient } from './infrastructure/telemetry-seal.client';
import { TypeOrmSessionRepository } from './infrastructure/typeorm-session.repository';
import { QuerySessionsHandler } from './query-sessions/query-sessions.handler';
import { END_RETRY, EndReconciler, type EndRetrySettings } from './reconcile-ends/end-reconciler';
import { SessionRpcController } from './session.rpc.controller';
import { StartChargingAtConnectorHandler } from './start-charging-at-connector/start-charging-at-connector.handler';
import { StartChargingHandler } from './start-charging/start-charging.handler';
import { StartRideHandler } from './start-ride/start-ride.handler';

/** Rides and charging sessions, from start to their sealed, immutable totals. */
@Module({})
export class SessionModule {
  static register(sealTimeoutMs: number, endRetry: EndRetrySettings): DynamicModule {
    return {
      module: SessionModule,
      imports: [FleetModule],
      controllers: [SessionRpcController],
      providers: [
        TypeOrmSessionRepository,
        { provide: SESSION_REPOSITORY, useExisting: TypeOrmSessionRepository },
        {
          provide: SESSIONS_DATABASE,
          // No statement waits on a seal (it runs between the end's request and its transaction): the
          // pool's statement timeout bounds every one.
          useFactory: (dataSource: DataSource): SessionsDatabase => ({
            transaction: (work) => dataSource.transaction(work),
            autocommit: dataSource.manager,
          }),
          inject: [DataSource],
        },
        StartRideHandler,
        StartChargingHandler,
        StartChargingAtConnectorHandler,
        EndRideHandler,
        EndChargingHandler,
        QuerySessionsHandler,
        EndReconciler,
        { provide: END_RETRY, useValue: endRetry },
        { provide: TELEMETRY_SEAL, useClass: TelemetrySealClient },
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
