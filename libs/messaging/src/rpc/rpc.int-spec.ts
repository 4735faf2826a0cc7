import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { IsInt, Min } from 'class-validator';
import type { RpcError } from '@chargeflow/contracts';
import { createIsolatedVhost, RecordingLogger, type IsolatedVhost } from '@chargeflow/testing';
import { AmqpConnection } from '../amqp-connection';
import { currentCorrelation } from '../correlation';
import { AmqpRpcServer } from './amqp-rpc.server';
import { rpcValidationPipe } from './invalid-request.error';
import { RpcClient } from './rpc-client';
import { RpcErrorFilter } from './rpc-error.filter';
import { RpcUnavailableError, type ExposableError } from './rpc-errors';

class DoubleRequest {
  @IsInt()
  @Min(0)
  value!: number;
}

class TooLargeError extends Error implements ExposableError {
  toRpcError(): RpcError {
    return { kind: 'CONFLICT', code: 'CONFLICT', message: 'too large', details: { limit: 100 } };
  }
}

@Controller()
class ArithmeticController {
  @MessagePattern('double.v1')
  double(@Payload() request: DoubleRequest): { result: number; correlationId?: string } {
    if (request.value > 100) throw new TooLargeError();
    return { result: request.value * 2, correlationId: currentCorrelation()?.correlationId };
  }

  @MessagePattern('crash.v1')
  crash(): never {
    throw new Error('secret internals');
  }

  @MessagePattern('slow.v1')
  async slow(): Promise<{ done: true }> {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { done: true };
  }
}

@Module({ controllers: [ArithmeticController] })
class ArithmeticModule {}

describe('RPC over RabbitMQ with the Nest transport', () => {
  let vhost: IsolatedVhost;
  let serverConnection: AmqpConnection;
  let clientConnection: AmqpConnection;
  let app: INestMicroservice;
  let client: RpcClient;
  const logger = new RecordingLogger();

  beforeAll(async () => {
    vhost = await createIsolatedVhost('rpc');
    serverConnection = await AmqpConnection.open({ url: vhost.url, name: 'rpc-server', logger });
    clientConnection = await AmqpConnection.open({ url: vhost.url, name: 'rpc-client', logger });
    app = await NestFactory.createMicroservice(ArithmeticModule, {
      strategy: new AmqpRpcServer(serverConnection, { service: 'pricing', logger }),
      logger: false,
    });
    app.useGlobalPipes(rpcValidationPipe());
    app.useGlobalFilters(new RpcErrorFilter());
    await app.listen();
    client = await RpcClient.create(clientConnection);
  });

  afterAll(async () => {
    client.close();
    await app.close();
    await Promise.all([serverConnection.close(), clientConnection.close()]);
    await vhost.remove();
  });

  const options = { correlationId: 'req-42', timeoutMs: 3_000 };

  it('answers a request and carries the correlation id into the handler', async () => {
    await expect(client.request('pricing', 'double.v1', { value: 21 }, options)).resolves.toEqual({
      ok: true,
      data: { result: 42, correlationId: 'req-42' },
    });
  });

  it('answers invalid payloads with each offending field', async () => {
    const reply = await client.request('pricing', 'double.v1', { value: -1, extra: true }, options);
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('VALIDATION_FAILED');
    expect(reply.error.errors?.map((error) => error.field).sort()).toEqual(['extra', 'value']);
  });

  it('passes exposable errors through and hides everything else', async () => {
    await expect(client.request('pricing', 'double.v1', { value: 101 }, options)).resolves.toEqual({
      ok: false,
      error: { kind: 'CONFLICT', code: 'CONFLICT', message: 'too large', details: { limit: 100 } },
    });
    const crashed = await client.request('pricing', 'crash.v1', {}, options);
    expect(crashed).toEqual({
      ok: false,
      error: expect.objectContaining({ kind: 'INTERNAL', code: 'INTERNAL_ERROR' }),
    });
    expect(JSON.stringify(crashed)).not.toContain('secret');
  });

  it('answers an unknown operation with UNKNOWN_OPERATION', async () => {
    const reply = await client.request('pricing', 'nothing.v1', {}, options);
    expect(reply).toEqual({
      ok: false,
      error: expect.objectContaining({ kind: 'NOT_FOUND', code: 'UNKNOWN_OPERATION' }),
    });
  });

  it('gives up at the deadline when nobody answers in time', async () => {
    await expect(client.request('analytics', 'health.v1', {}, { ...options, timeoutMs: 300 })).rejects.toBeInstanceOf(
      RpcUnavailableError,
    );
    await expect(client.request('pricing', 'slow.v1', {}, { ...options, timeoutMs: 100 })).rejects.toThrow(
      'no answer within 100 ms',
    );
  });
});
