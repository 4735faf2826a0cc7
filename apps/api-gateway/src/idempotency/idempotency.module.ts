import { Injectable, Logger, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyRepository } from './idempotency.repository';

const PURGE_INTERVAL_MS = 10 * 60_000;

/** Deletes records past their 24 h; any instance may do it, the delete is the same from each. */
@Injectable()
class ExpiredRecordsPurge implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('idempotency');
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly records: IdempotencyRepository) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge(), PURGE_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async purge(): Promise<void> {
    try {
      const deleted = await this.records.purgeExpired();
      if (deleted > 0) this.logger.log(`purged ${deleted} expired idempotency records`);
    } catch (error) {
      this.logger.warn(`idempotency purge failed: ${(error as Error).message}`);
    }
  }
}

@Module({
  providers: [
    IdempotencyRepository,
    ExpiredRecordsPurge,
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
})
export class IdempotencyModule {}
