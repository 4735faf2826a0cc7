import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  BrokerUnavailableError,
  isExposableError,
  RpcUnavailableError,
  statementTimeoutErrorOf,
} from '@chargeflow/messaging';
import { problemOf } from '../backend/backend.client';
import { genericCodeOf, PROBLEM_CONTENT_TYPE, ProblemException } from './problem';

/** Every error leaves the gateway as application/problem+json; no stack trace ever does. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('problem');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const answer = this.toProblemException(exception, request);
    const problem = { ...answer.toProblem(), instance: request.url, requestId: String(request.id) };
    void reply.headers(answer.headers);
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }

  private toProblemException(exception: unknown, request: FastifyRequest): ProblemException {
    // A typed error raised in the gateway itself (an invalid cursor, say) answers as a service's would.
    if (isExposableError(exception)) return problemOf(exception.toRpcError());
    if (exception instanceof ProblemException) return exception;
    if (exception instanceof BrokerUnavailableError) {
      return new ProblemException('BROKER_UNAVAILABLE', 'the message broker cannot take the request now; try again');
    }
    const tooCostly = statementTimeoutErrorOf(exception);
    if (tooCostly) return problemOf(tooCostly);
    if (exception instanceof RpcUnavailableError) {
      return new ProblemException(
        'SERVICE_UNAVAILABLE',
        `the ${exception.service} service did not answer in time; try again`,
        { service: exception.service },
      );
    }
    const status = statusOf(exception);
    if (status === 404 && exception instanceof HttpException) {
      return new ProblemException('ROUTE_NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`);
    }
    if (status >= 500) {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
      return new ProblemException('INTERNAL_ERROR', 'the gateway failed to handle the request');
    }
    return new ProblemException(genericCodeOf(status), messageOf(exception));
  }
}

function statusOf(exception: unknown): number {
  if (exception instanceof HttpException) return exception.getStatus();
  const statusCode = (exception as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 600 ? statusCode : 500;
}

function messageOf(exception: unknown): string {
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    if (typeof response === 'object' && response && 'message' in response && typeof response.message === 'string')
      return response.message;
  }
  return exception instanceof Error ? exception.message : 'the request failed';
}
