import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AmqpConnection, RpcClient } from '@chargeflow/messaging';
import { configurationOrExit, createLogger, NestPinoLogger } from '@chargeflow/runtime';
import { AppModule } from './app.module';
import { loadGatewayConfig } from './config';
import { ProblemFilter } from './problem/problem.filter';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's X-Request-Id when it is sane, so one request can be followed everywhere. */
function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

async function bootstrap(): Promise<void> {
  const config = configurationOrExit('api-gateway', loadGatewayConfig);
  const logger = createLogger('api-gateway', config.LOG_LEVEL);
  const nestLogger = new NestPinoLogger(logger);
  try {
    const connection = await AmqpConnection.open({ url: config.RABBITMQ_URL, name: 'chargeflow-api-gateway', logger: nestLogger });
    const rpc = await RpcClient.create(connection);
    const adapter = new FastifyAdapter({ bodyLimit: 1_048_576, genReqId: requestIdOf, requestIdHeader: false });
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, connection, rpc), adapter, {
      logger: nestLogger,
    });
    app.getHttpAdapter().getInstance().addHook('onRequest', async (request, reply) => {
      reply.header('x-request-id', request.id);
    });
    app.useGlobalFilters(new ProblemFilter());
    app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
    await app.listen(config.GATEWAY_PORT, config.GATEWAY_HOST);
    logger.info({ event: 'service.ready' }, `api-gateway listening on http://${config.GATEWAY_HOST}:${config.GATEWAY_PORT}`);
  } catch (error) {
    logger.fatal({ err: error }, `api-gateway failed to start: ${(error as Error).message}`);
    process.exit(1);
  }
}

void bootstrap();
