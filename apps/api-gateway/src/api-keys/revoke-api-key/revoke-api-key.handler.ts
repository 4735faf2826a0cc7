import { Inject, Injectable } from '@nestjs/common';
import { ApiKeyCache } from '../../auth/api-key.cache';
import { ApiKeyRepository } from '../../auth/api-key.repository';
import { ProblemException } from '../../problem/problem';

/**
 * Revokes an API key at once: stored as revoked and forgotten by this instance's cache (the database
 * notifies the other instances). Revoking a revoked key changes nothing.
 */
@Injectable()
export class RevokeApiKeyHandler {
  constructor(
    @Inject(ApiKeyRepository) private readonly apiKeys: Pick<ApiKeyRepository, 'revoke'>,
    @Inject(ApiKeyCache) private readonly cache: Pick<ApiKeyCache, 'forget'>,
  ) {}

  async execute(id: string): Promise<void> {
    const revoked = await this.apiKeys.revoke(id);
    if (!revoked) throw new ProblemException('API_KEY_NOT_FOUND', `no API key ${id}`);
    this.cache.forget(id);
  }
}
