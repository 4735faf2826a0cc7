import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { RouteCatalog } from '../auth/route-catalog';
import { buildOpenApiDocument } from './openapi-document';

/**
 * `GET /openapi.json` (the document) and `GET /docs` (Swagger UI over it); both public. A key typed
 * into the docs page lives in that page only: persistAuthorization would keep it in localStorage.
 */
export function serveOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app, app.get(RouteCatalog).routes()), {
    jsonDocumentUrl: 'openapi.json',
    raw: ['json'],
    customSiteTitle: 'ChargeFlow API',
    swaggerOptions: { persistAuthorization: false, displayRequestDuration: true },
  });
}
