import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AmqpConnection, ConfirmPublisher, RpcClient } from '@chargeflow/messaging';
import { AppModule } from '../src/app.module';
import { RouteCatalog } from '../src/auth/route-catalog';
import { loadGatewayConfig } from '../src/config';
import { buildOpenApiDocument } from '../src/openapi/openapi-document';

const GOLDEN = join(__dirname, 'openapi.golden.json');

/** The gateway's real modules and controllers; nothing is started, so no broker or database is needed. */
async function servedDocument(): Promise<string> {
  const closed = { close: async () => undefined, destroy: async () => undefined };
  const moduleRef = await Test.createTestingModule({
    imports: [
      AppModule.register(loadGatewayConfig({}), closed as never as AmqpConnection, closed as never as RpcClient),
    ],
  })
    .overrideProvider(DataSource)
    .useValue(closed)
    .overrideProvider(ConfirmPublisher)
    .useValue({})
    .compile();
  const app = moduleRef.createNestApplication(new FastifyAdapter());
  try {
    return `${JSON.stringify(buildOpenApiDocument(app, app.get(RouteCatalog).routes()), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

describe('the OpenAPI document', () => {
  it('is byte for byte openapi.golden.json (UPDATE_OPENAPI_GOLDEN=1 rewrites it after a deliberate change)', async () => {
    const document = await servedDocument();
    if (process.env.UPDATE_OPENAPI_GOLDEN === '1') {
      // A rewrite passes by construction: only a developer making a deliberate change may ask for it.
      if (process.env.CI) throw new Error('UPDATE_OPENAPI_GOLDEN is refused in CI');
      writeFileSync(GOLDEN, document);
    }
    // Line by line, so a failure shows only the lines that changed.
    expect(document.split('\n')).toEqual(readFileSync(GOLDEN, 'utf8').split('\n'));
  });
});
