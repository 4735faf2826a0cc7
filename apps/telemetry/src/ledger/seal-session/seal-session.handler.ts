import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SealedTotals, SealSessionRequest } from '@chargeflow/contracts';
import { LedgerRepository } from '../ledger.repository';
import { PARKED_SAMPLES, type ParkedSamples } from './parked-samples';

/**
 * The cut-off between telemetry and the end of a session. After the seal no sample is counted; the
 * totals it returns are the ones the session is finalized with. Samples of the session parked during
 * a sessions outage came before the end: they are judged first, then the ledger is sealed. When the
 * seal overtakes `session.started.v1`, it opens the ledger itself: Active when samples are parked and
 * the request says all the event would (they are judged in it), else sealed and empty.
 */
@Injectable()
export class SealSessionHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly ledger: LedgerRepository,
    @Inject(PARKED_SAMPLES) private readonly parked: ParkedSamples,
  ) {}

  async execute(request: SealSessionRequest): Promise<SealedTotals> {
    const opening = { ...request, stationId: request.stationId ?? null };
    const sealed = await this.ledger.sealUnlessParked(this.dataSource.manager, opening);
    if (sealed) return sealed;
    await this.parked.judge(request.sessionId);
    return this.ledger.seal(this.dataSource.manager, opening);
  }
}
