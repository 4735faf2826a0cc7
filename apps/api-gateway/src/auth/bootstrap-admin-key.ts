import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { GatewayConfig } from '../config';
import { displayPrefixOf, hashApiKey } from './api-key-secret';
import { ApiKeyRepository } from './api-key.repository';

/** Installs the admin key from CHARGEFLOW_ADMIN_KEY, so a fresh deployment has a first key to create others with. */
@Injectable()
export class BootstrapAdminKey implements OnApplicationBootstrap {
  private readonly logger = new Logger('api-keys');

  constructor(
    private readonly apiKeys: ApiKeyRepository,
    @Inject(GatewayConfig) private readonly config: GatewayConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const key = this.config.CHARGEFLOW_ADMIN_KEY;
    if (!key) {
      this.logger.warn('CHARGEFLOW_ADMIN_KEY is not set: no bootstrap admin key (existing keys still work)');
      return;
    }
    const outcome = await this.apiKeys.installBootstrapKey(hashApiKey(key), displayPrefixOf(key));
    if (outcome === 'revoked') {
      this.logger.warn(
        `the bootstrap admin key ${displayPrefixOf(key)}… was revoked and stays revoked; set a new CHARGEFLOW_ADMIN_KEY`,
      );
    } else {
      this.logger.log(
        `bootstrap admin key ${displayPrefixOf(key)}… ${outcome === 'installed' ? 'installed' : 'in place'}`,
      );
    }
  }
}
