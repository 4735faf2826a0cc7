import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { DynamicModule, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { NestPinoLogger } from '@chargeflow/runtime';
import { trustedProxiesOf, type GatewayConfig } from './config';
import { recordHttpMetrics } from './metrics/http-metrics';
import { addSecurityHeaders } from './security-headers';
import { serveOpenApi } from './openapi/serve-openapi';
import { ProblemException } from './problem/problem';
import { ProblemFilter } from './problem/problem.filter';
import { gatewayValidationPipe } from './validation/validation.pipe';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's X-Request-Id when it is sane, so one request can be followed everywhere. */
function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * The gateway around `module` (AppModule, or AppModule plus test routes): the request id on every
 * response, JSON bodies only and up to the size limit, problem+json for every error, strict
 * validation, metrics, one access log line per request (when given a logger), and the API docs.
 */
export async function createGatewayApp(
  module: Type | DynamicModule,
  config: GatewayConfig,
  logger?: Logger,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.GATEWAY_BODY_LIMIT_BYTES,
    trustProxy: trustedProxiesOf(config.GATEWAY_TRUST_PROXY),
    genReqId: requestIdOf,
    requestIdHeader: false,
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: logger ? new NestPinoLogger(logger) : false,
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    parseJson(request, body as string, (error, value) =>
      error
        ? done(new ProblemException('MALFORMED_JSON', 'the request body is empty or not valid JSON'), undefined)
        : done(null, value),
    ),
  );
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  addSecurityHeaders(fastify);
  recordHttpMetrics(fastify);
  if (logger) {
    fastify.addHook('onResponse', async (request, reply) => {
      logger.info(
        {
          event: 'http.request',
          correlationId: request.id,
          method: request.method,
          route: request.routeOptions.url ?? null,
          status: reply.statusCode,
          durationMs: Math.round(reply.elapsedTime * 10) / 10,
          apiKeyId: request.principal?.keyId,
        },
        `${request.method} ${request.url.split('?')[0]} ${reply.statusCode}`,
      );
    });
  }
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalPipes(gatewayValidationPipe());
  serveOpenApi(app);
  return app;
}
