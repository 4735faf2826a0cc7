import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { decodeCursor, toPage } from '@chargeflow/runtime';
import { ApiKeyRepository } from '../auth/api-key.repository';
import { RoleSets } from '../auth/role-policy';
import { Roles } from '../auth/roles.decorator';
import { NotIdempotent } from '../idempotency/idempotent.decorator';
import { ApiProblems } from '../openapi/api-problems.decorator';
import { ProblemException } from '../problem/problem';
import { ApiKeyPage, ApiKeyView, CreateApiKeyRequest, CreatedApiKey, ListApiKeysQuery } from './api-key.dto';
import { CreateApiKeyHandler } from './create-api-key/create-api-key.handler';
import { RevokeApiKeyHandler } from './revoke-api-key/revoke-api-key.handler';

const uuid = new ParseUUIDPipe({
  version: '4',
  exceptionFactory: () =>
    new ProblemException('VALIDATION_FAILED', 'id must be a UUID', {
      errors: [{ field: 'id', message: 'id must be a UUID' }],
    }),
});

@ApiTags('API keys')
@ApiBearerAuth()
@Roles(...RoleSets.apiKeys)
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(
    private readonly apiKeys: ApiKeyRepository,
    private readonly createApiKey: CreateApiKeyHandler,
    private readonly revokeApiKey: RevokeApiKeyHandler,
  ) {}

  @Post()
  @NotIdempotent('the key would have to be stored to be replayed; it is shown once only')
  @ApiOperation({ summary: 'Create an API key', description: 'The secret is in `key`, shown in this response only.' })
  @ApiCreatedResponse({ type: CreatedApiKey })
  @ApiProblems({
    code: 'API_KEY_NAME_TAKEN',
    detail: 'an active API key is already named "depot-7 dispatch console"',
  })
  create(@Body() request: CreateApiKeyRequest): Promise<CreatedApiKey> {
    return this.createApiKey.execute(request);
  }

  @Get()
  @ApiOperation({ summary: 'List API keys', description: 'Newest first, without their secrets.' })
  @ApiOkResponse({ type: ApiKeyPage })
  async list(@Query() query: ListApiKeysQuery): Promise<ApiKeyPage> {
    const keys = await this.apiKeys.list({
      limit: query.limit,
      after: decodeCursor(query.cursor),
      includeRevoked: query.includeRevoked,
    });
    return toPage(keys, query.limit, (key) => ({ at: key.cursorAt, id: key.id }), ApiKeyView.of);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke an API key',
    description: 'Takes effect at once; revoking a revoked key changes nothing.',
  })
  @ApiNoContentResponse({ description: 'Revoked.' })
  @ApiProblems({ code: 'API_KEY_NOT_FOUND', detail: 'no API key 3f2b8c1d-9a4e-4f6b-8d2c-1e5a7b9c0d3f' })
  revoke(@Param('id', uuid) id: string): Promise<void> {
    return this.revokeApiKey.execute(id);
  }
}
