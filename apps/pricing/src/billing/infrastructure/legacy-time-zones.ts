import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OPERATOR_TIME_ZONE } from '../../tariff/quote-session/quote-session.handler';
import { BillingRepository } from './billing.repository';

const BATCH = 5_000;

/**
 * At start, gives records priced before the time zone was stored the zone that priced them, in
 * batches (each under the statement timeout), so a later OPERATOR_TIME_ZONE change cannot touch them.
 */
@Injectable()
export class LegacyTimeZones implements OnApplicationBootstrap {
  private readonly logger = new Logger('legacy-time-zones');

  constructor(
    private readonly dataSource: DataSource,
    private readonly billing: BillingRepository,
    @Inject(OPERATOR_TIME_ZONE) private readonly operatorTimeZone: string,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    let recorded = 0;
    for (;;) {
      const updated = await this.billing.recordLegacyTimeZones(this.dataSource.manager, this.operatorTimeZone, BATCH);
      recorded += updated;
      if (updated < BATCH) break;
    }
    if (recorded > 0) this.logger.log(`recorded the time zone of ${recorded} records priced before it was stored`);
  }
}
