import { Injectable } from '@nestjs/common';
import type { ChargePointView, RegisterChargePointRequest } from '@chargeflow/contracts';
import { hashChargePointPassword } from '../domain/charge-point-password';
import { ChargePointAlreadyRegisteredError } from '../domain/charge-point.errors';
import { ChargePointRepository } from '../infrastructure/charge-point.repository';

/** Registers a charge point with the password it will send in HTTP Basic auth; only its hash is kept. */
@Injectable()
export class RegisterChargePointHandler {
  constructor(private readonly chargePoints: ChargePointRepository) {}

  async execute(request: RegisterChargePointRequest): Promise<ChargePointView> {
    const inserted = await this.chargePoints.insert(
      request.chargePointId,
      await hashChargePointPassword(request.password),
    );
    if (!inserted) throw new ChargePointAlreadyRegisteredError(request.chargePointId);
    return { chargePointId: inserted.chargePointId, createdAt: inserted.createdAt.toISOString() };
  }
}
