import 'reflect-metadata';
import { AmqpConnection, declareTopologyOn, RpcClient } from '@chargeflow/messaging';
import { configurationOrExit, createLogger, stopWithSupervisor } from '@chargeflow/runtime';
import { AppModule } from './app.module';
import { loadGatewayConfig } from './config';
import { createGatewayApp } from './gateway-app';

async function bootstrap(): Promise<void> {
  const config = configurationOrExit('api-gateway', loadGatewayConfig);
  const logger = createLogger('api-gateway', config.LOG_LEVEL);
  stopWithSupervisor(logger);
  try {
    const connection = await AmqpConnection.open({
      url: config.RABBITMQ_URL,
      urls: config.RABBITMQ_URLS,
      name: 'chargeflow-api-gateway',
      logger: logger.child({ component: 'broker' }),
    });
    // The gateway accepts samples over HTTP: their queue must exist before it takes the first one.
    await declareTopologyOn(connection);
    const rpc = await RpcClient.create(connection);
    const app = await createGatewayApp(AppModule.register(config, connection, rpc), config, logger);
    app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
    await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
    logger.info(
      { event: 'service.ready' },
      `api-gateway listening on http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT}`,
    );
  } catch (error) {
    logger.fatal({ err: error }, `api-gateway failed to start: ${(error as Error).message}`);
    process.exit(1);
  }
}

void bootstrap();
