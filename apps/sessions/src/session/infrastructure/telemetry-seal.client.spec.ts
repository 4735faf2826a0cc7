import { randomUUID } from 'node:crypto';
import { SealSessionRequest } from '@chargeflow/contracts';
import { InvalidRequestError, rpcValidationPipe } from '@chargeflow/messaging';
import { anActiveCharge, anActiveRide, START } from '../domain/session.test-builders';
import { sealRequestOf } from './telemetry-seal.client';

/** What telemetry's RPC validation does with a seal request: the pipe every RPC payload goes through. */
const asTelemetryReadsIt = (request: object) =>
  rpcValidationPipe().transform(request, { type: 'body', metatype: SealSessionRequest });

describe('the seal request', () => {
  const ids = () => ({ id: randomUUID(), vehicleId: randomUUID() });

  it("carries a charge's station and whether it is metered, as its start event does, so telemetry can open its ledger", async () => {
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
      await expect(asTelemetryReadsIt(request)).resolves.toBeInstanceOf(SealSessionRequest);
    }
  });

  it("has no metering for a ride, not even null: a telemetry that predates the field still takes a ride's seal", async () => {
    const request = sealRequestOf(anActiveRide(ids()).toSnapshot());
    expect(request).toMatchObject({ kind: 'RIDE', stationId: null });
    expect(request).not.toHaveProperty('stationMetered');
    await expect(asTelemetryReadsIt(request)).resolves.toBeInstanceOf(SealSessionRequest);
  });

  it('is refused with a metering that is not a boolean', async () => {
    const request = { ...sealRequestOf(anActiveRide(ids()).toSnapshot()), stationMetered: 'yes' };
    await expect(asTelemetryReadsIt(request)).rejects.toBeInstanceOf(InvalidRequestError);
  });
});
