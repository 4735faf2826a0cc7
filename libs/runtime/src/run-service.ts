import 'reflect-metadata';
import {
  Global,
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import type { BackendService } from '@chargeflow/contracts';
import {
  AmqpConnection,
  AmqpRpcServer,
  ConfirmPublisher,
  declareTopologyOn,
  RpcErrorFilter,
  rpcValidationPipe,
} from '@chargeflow/messaging';
import type { BaseServiceConfig } from './base-config';
import { ConfigurationError } from './config';
import { HealthRpcController } from './health.rpc.controller';
import { createLogger, NestPinoLogger } from './logger';
import { MetricsRpcController } from './metrics.rpc.controller';
import { RpcAccessLogInterceptor } from './rpc-access-log.interceptor';
import { PINO_LOGGER, SERVICE_NAME } from './service-tokens';
import { stopWithSupervisor } from './supervisor';

export interface ServiceDefinition<C extends BaseServiceConfig> {
  service: BackendService;
  loadConfig(): C;
  /** The service's own module, given its validated configuration. */
  appModule(config: C): DynamicModule;
}

@Global()
@Module({})
class ServiceCoreModule implements BeforeApplicationShutdown, OnApplicationShutdown {
  static forRoot(
    service: BackendService,
    connection: AmqpConnection,
    publisher: ConfirmPublisher,
    logger: Logger,
  ): DynamicModule {
    return {
      module: ServiceCoreModule,
      controllers: [HealthRpcController, MetricsRpcController],
      providers: [
        { provide: SERVICE_NAME, useValue: service },
        { provide: AmqpConnection, useValue: connection },
        { provide: ConfirmPublisher, useValue: publisher },
        { provide: PINO_LOGGER, useValue: logger },
      ],
      exports: [SERVICE_NAME, AmqpConnection, ConfirmPublisher, PINO_LOGGER],
    };
  }

  constructor(
    private readonly connection: AmqpConnection,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  beforeApplicationShutdown(signal?: string): void {
    this.logger.info({ event: 'service.stopping', signal }, 'stopping: consumers drained, closing connections');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connection.close();
    this.logger.info({ event: 'service.stopped' }, 'stopped');
  }
}

@Module({})
class ServiceRootModule {}

/** Reads the configuration or stops the process with one line naming the bad variable. */
export function configurationOrExit<C>(service: string, load: () => C): C {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    process.stderr.write(`${service}: invalid configuration: ${error.message}\n`);
    process.exit(1);
  }
}

/**
 * Starts a backend service: validated configuration, broker connection and topology, its own database (migrated
 * by its module), RPC over RabbitMQ, and a graceful stop on SIGTERM/SIGINT (stop consuming, finish
 * in-flight work, close connections).
 */
export async function runService<C extends BaseServiceConfig>(definition: ServiceDefinition<C>): Promise<void> {
  const { service } = definition;
  const config = configurationOrExit(service, () => definition.loadConfig());
  const logger = createLogger(service, config.LOG_LEVEL);
  stopWithSupervisor(logger);
  const nestLogger = new NestPinoLogger(logger);
  try {
    const connection = await AmqpConnection.open({
      url: config.RABBITMQ_URL,
      urls: config.RABBITMQ_URLS,
      name: `chargeflow-${service}`,
      logger: logger.child({ component: 'broker' }),
    });
    await declareTopologyOn(connection);
    const publisher = await ConfirmPublisher.create(connection, { confirmTimeoutMs: config.BROKER_CONFIRM_TIMEOUT_MS });
    const app = await NestFactory.createMicroservice(
      {
        module: ServiceRootModule,
        imports: [ServiceCoreModule.forRoot(service, connection, publisher, logger), definition.appModule(config)],
      },
      {
        strategy: new AmqpRpcServer(connection, { service, logger: logger.child({ component: 'rpc-server' }) }),
        logger: nestLogger,
      },
    );
    app.useGlobalPipes(rpcValidationPipe());
    app.useGlobalFilters(new RpcErrorFilter());
    app.useGlobalInterceptors(new RpcAccessLogInterceptor(logger));
    app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
    await app.listen();
    logger.info({ event: 'service.ready' }, `${service} ready`);
  } catch (error) {
    logger.fatal({ err: error }, `${service} failed to start: ${(error as Error).message}`);
    process.exit(1);
  }
}
