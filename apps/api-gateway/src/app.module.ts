import { Global, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AmqpConnection, RpcClient } from '@chargeflow/messaging';
import { postgresOptions } from '@chargeflow/runtime';
import { ApiModule } from './api/api.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { DeviceCredentialsModule } from './device-credentials/device-credentials.module';
import { AuthModule } from './auth/auth.module';
import { GatewayConfig } from './config';
import { HealthController } from './health/health.controller';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { MetricsController } from './metrics/metrics.controller';
import { gatewayMigrations } from './migrations';
import { ProblemsController } from './problem/problems.controller';

@Global()
@Module({})
export class AppModule implements OnApplicationShutdown {
  static register(config: GatewayConfig, connection: AmqpConnection, rpc: RpcClient): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({
          ...postgresOptions({
            url: config.GATEWAY_DATABASE_URL,
            statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
            applicationName: 'chargeflow-api-gateway',
            migrations: gatewayMigrations,
          }),
          retryAttempts: 10,
          retryDelay: 1_000,
        }),
        AuthModule,
        IdempotencyModule,
        ApiKeysModule,
        DeviceCredentialsModule,
        ApiModule,
      ],
      controllers: [HealthController, MetricsController, ProblemsController],
      providers: [
        { provide: GatewayConfig, useValue: config },
        { provide: AmqpConnection, useValue: connection },
        { provide: RpcClient, useValue: rpc },
      ],
      exports: [GatewayConfig, AmqpConnection, RpcClient],
    };
  }

  constructor(
    private readonly rpc: RpcClient,
    private readonly connection: AmqpConnection,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.rpc.close();
    await this.connection.close();
  }
}
