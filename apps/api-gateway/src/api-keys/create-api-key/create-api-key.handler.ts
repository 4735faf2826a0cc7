import { Inject, Injectable } from '@nestjs/common';
import { issueApiKey } from '../../auth/api-key-secret';
import { ApiKeyNameTakenError, ApiKeyRepository } from '../../auth/api-key.repository';
import { ProblemException } from '../../problem/problem';
import { ApiKeyView, type CreateApiKeyRequest, type CreatedApiKey } from '../api-key.dto';

/**
 * Creates an API key and hands its secret over this once: a device key is bound to exactly one
 * vehicle or station, other keys to none; an expiry lies ahead; no two active keys share a name.
 */
@Injectable()
export class CreateApiKeyHandler {
  constructor(@Inject(ApiKeyRepository) private readonly apiKeys: Pick<ApiKeyRepository, 'create'>) {}

  async execute(request: CreateApiKeyRequest): Promise<CreatedApiKey> {
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
