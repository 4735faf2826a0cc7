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
import { issueApiKey } from '../auth/api-key-secret';
import { ApiKeyCache } from '../auth/api-key.cache';
import { ApiKeyNameTakenError, ApiKeyRepository } from '../auth/api-key.repository';
import { RoleSets } from '../auth/role-policy';
import { Roles } from '../auth/roles.decorator';
import { NotIdempotent } from '../idempotency/idempotent.decorator';
import { ApiProblems } from '../openapi/api-problems.decorator';
import { ProblemException } from '../problem/problem';
import { ApiKeyPage, ApiKeyView, CreateApiKeyRequest, CreatedApiKey, ListApiKeysQuery } from './api-key.dto';

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
    private readonly cache: ApiKeyCache,
  ) {}

  @Post()
  @NotIdempotent('the key would have to be stored to be replayed; it is shown once only')
  @ApiOperation({ summary: 'Create an API key', description: 'The secret is in `key`, shown in this response only.' })
  @ApiCreatedResponse({ type: CreatedApiKey })
  @ApiProblems({
    code: 'API_KEY_NAME_TAKEN',
    detail: 'an active API key is already named "depot-7 dispatch console"',
  })
  async create(@Body() request: CreateApiKeyRequest): Promise<CreatedApiKey> {
    const fieldErrors = bindingErrorsOf(request);
    if (fieldErrors.length > 0) {
      throw new ProblemException(
        'VALIDATION_FAILED',
        `the request is invalid: ${fieldErrors.map((error) => error.message).join('; ')}`,
        { errors: fieldErrors },
      );
    }
    const issued = issueApiKey();
    try {
      const apiKey = await this.apiKeys.create({
        name: request.name,
        role: request.role,
        vehicleId: request.vehicleId ?? null,
        stationId: request.stationId ?? null,
        keyHash: issued.hash,
        keyPrefix: issued.prefix,
        expiresAt: request.expiresAt ? new Date(request.expiresAt) : null,
      });
      return { ...ApiKeyView.of(apiKey), key: issued.key };
    } catch (error) {
      if (error instanceof ApiKeyNameTakenError)
        throw new ProblemException('API_KEY_NAME_TAKEN', error.message, { name: error.keyName });
      throw error;
    }
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
    return toPage(keys, query.limit, (key) => ({ at: key.createdAt, id: key.id }), ApiKeyView.of);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke an API key',
    description: 'Takes effect at once; revoking a revoked key changes nothing.',
  })
  @ApiNoContentResponse({ description: 'Revoked.' })
  @ApiProblems({ code: 'API_KEY_NOT_FOUND', detail: 'no API key 3f2b8c1d-9a4e-4f6b-8d2c-1e5a7b9c0d3f' })
  async revoke(@Param('id', uuid) id: string): Promise<void> {
    const revoked = await this.apiKeys.revoke(id);
    if (!revoked) throw new ProblemException('API_KEY_NOT_FOUND', `no API key ${id}`);
    this.cache.forget(id);
  }
}

/** A device key is bound to exactly one vehicle or station; other keys to none; expiry lies ahead. */
function bindingErrorsOf(request: CreateApiKeyRequest): { field: string; message: string }[] {
  const errors: { field: string; message: string }[] = [];
  const bindings = [request.vehicleId, request.stationId].filter((binding) => binding !== undefined).length;
  if (request.role === 'device' && bindings !== 1) {
    errors.push({ field: 'vehicleId', message: 'a device key needs exactly one of vehicleId or stationId' });
  }
  if (request.role !== 'device' && bindings > 0) {
    errors.push({
      field: request.vehicleId !== undefined ? 'vehicleId' : 'stationId',
      message: `only device keys are bound to a vehicle or station, not ${request.role} keys`,
    });
  }
  if (request.expiresAt && new Date(request.expiresAt).getTime() <= Date.now()) {
    errors.push({ field: 'expiresAt', message: 'expiresAt must lie in the future' });
  }
  return errors;
}
