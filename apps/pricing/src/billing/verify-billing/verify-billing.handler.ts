import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { VerificationStarted, VerificationView, VerifyBillingRequest } from '@chargeflow/contracts';
import { VerificationNotFoundError } from '../billing.errors';
import { BillingRepository } from '../infrastructure/billing.repository';
import { toVerificationView, VerificationRepository } from '../infrastructure/verification.repository';
import { VerificationRunner } from './verification-runner';

/**
 * Starts a verification and answers at once: the runner recomputes the records in pages in the
 * background, and its progress is read by id. No request waits for the whole check.
 */
@Injectable()
export class VerifyBillingHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly billing: BillingRepository,
    private readonly verifications: VerificationRepository,
    private readonly runner: VerificationRunner,
  ) {}

  async start(request: VerifyBillingRequest): Promise<VerificationStarted> {
    const id = randomUUID();
    const total = await this.billing.countPriced(this.dataSource.manager, request);
    await this.verifications.create(this.dataSource.manager, { id, ...request, total });
    this.runner.wake();
    return { id };
  }

  async view(id: string): Promise<VerificationView> {
    const verification = await this.verifications.find(this.dataSource.manager, id);
    if (!verification) throw new VerificationNotFoundError(id);
    return toVerificationView(verification);
  }
}
