import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { HealthReport } from '@chargeflow/contracts';
import type { HealthDetails } from '@chargeflow/runtime';
import { readProjectionState } from '../projection/infrastructure/projection-state';

/** The service stays up and ready while it rebuilds; its health report carries the progress. */
@Injectable()
export class RebuildHealth implements HealthDetails {
  constructor(private readonly dataSource: DataSource) {}

  async current(): Promise<Pick<HealthReport, 'rebuilding'>> {
    const { rebuild } = await readProjectionState(this.dataSource.manager);
    return rebuild.state === 'REBUILDING' ? { rebuilding: rebuild } : {};
  }
}
