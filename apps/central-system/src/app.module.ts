import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxRelayModule, postgresOptions } from '@chargeflow/runtime';
import { ChargePointModule } from './charge-point/charge-point.module';
import { CentralSystemConfig } from './config';
import { centralSystemMigrations } from './migrations';
import { HEARTBEAT_INTERVAL_S } from './ocpp/boot-notification/boot-notification.handler';
import { OcppModule } from './ocpp/ocpp.module';
import { COMMAND_TIMEOUT_MS } from './remote-command/command-bus';
import { CHARGE_END_LEASE_MS } from './transaction/end-charge/stopped-charges.reconciler';

@Global()
@Module({})
class CentralSystemConfigModule {
  static register(config: CentralSystemConfig): DynamicModule {
    return {
      module: CentralSystemConfigModule,
      providers: [
        { provide: CentralSystemConfig, useValue: config },
        { provide: HEARTBEAT_INTERVAL_S, useValue: config.OCPP_HEARTBEAT_INTERVAL_S },
        { provide: COMMAND_TIMEOUT_MS, useValue: config.OCPP_COMMAND_TIMEOUT_MS },
        { provide: CHARGE_END_LEASE_MS, useValue: config.OCPP_CHARGE_END_LEASE_MS },
      ],
      exports: [CentralSystemConfig, HEARTBEAT_INTERVAL_S, COMMAND_TIMEOUT_MS, CHARGE_END_LEASE_MS],
    };
  }
}

@Module({})
export class AppModule {
  static register(config: CentralSystemConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CentralSystemConfigModule.register(config),
        TypeOrmModule.forRoot({
          ...postgresOptions({
            url: config.CENTRAL_SYSTEM_DATABASE_URL,
            statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
            applicationName: 'chargeflow-central-system',
            migrations: centralSystemMigrations,
          }),
          retryAttempts: 10,
          retryDelay: 1_000,
        }),
        OutboxRelayModule.register(config.OUTBOX_RETENTION_HOURS),
        ChargePointModule,
        OcppModule,
      ],
    };
  }
}
