import { randomUUID } from 'node:crypto';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { SealSessionRequest } from '@chargeflow/contracts';
import { anActiveCharge, anActiveRide, START } from '../domain/session.test-builders';
import { sealRequestOf } from './telemetry-seal.client';

const valid = (request: object) =>
  validateSync(plainToInstance(SealSessionRequest, request), { forbidUnknownValues: true }).map(String);

describe('the seal request', () => {
  const ids = () => ({ id: randomUUID(), vehicleId: randomUUID() });

  it("carries a charge's station and whether it is metered, as its start event does, so telemetry can open its ledger", () => {
    const stationId = randomUUID();
    for (const metered of [true, false]) {
      const charge = anActiveCharge({ stationId, metered }, ids()).toSnapshot();
      const request = sealRequestOf(charge);
      expect(request).toEqual({
        sessionId: charge.id,
        kind: 'CHARGING',
        vehicleId: charge.vehicleId,
        stationId,
        startedAt: START.toISOString(),
        stationMetered: metered,
      });
      expect(valid(request)).toEqual([]);
    }
  });

  it('names no station for a ride', () => {
    const request = sealRequestOf(anActiveRide(ids()).toSnapshot());
    expect(request).toMatchObject({ kind: 'RIDE', stationId: null, stationMetered: null });
    expect(valid(request)).toEqual([]);
  });

  it('is refused by the contract with a metering that is not a boolean', () => {
    const request = { ...sealRequestOf(anActiveRide(ids()).toSnapshot()), stationMetered: 'yes' };
    expect(valid(request)).toHaveLength(1);
  });
});
