import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SealedTotals, SealSessionRequest } from '@chargeflow/contracts';
import { LedgerRepository } from '../ledger.repository';

/**
 * The cut-off between telemetry and the end of a session. After the seal no sample is counted; the
 * totals it returns are the ones the session is finalized with. When the seal overtakes
 * `session.started.v1`, it opens the ledger itself, so the totals are simply empty.
 */
@Injectable()
export class SealSessionHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerRepository,
  ) {}

  execute(request: SealSessionRequest): Promise<SealedTotals> {
    return this.ledger.seal(this.dataSource.manager, { ...request, stationId: request.stationId ?? null });
  }
}
