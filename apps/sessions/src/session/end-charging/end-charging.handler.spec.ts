import { aVehicle } from '../../fleet/domain/fleet.test-builders';
import type { SealedLedger, Session } from '../domain/session.aggregate';
import { SessionNotFoundError } from '../domain/session.errors';
import { aLedger, anActiveCharge, anActiveRide, at } from '../domain/session.test-builders';
import { InMemorySessionsDatabase } from '../in-memory-sessions-database.fake';
import { EndChargingHandler } from './end-charging.handler';

describe('ending a charge', () => {
  async function end(session: Session, ledger: SealedLedger) {
    const database = new InMemorySessionsDatabase({
      vehicles: [aVehicle({ batteryCapacityWh: '5000', energyWh: '1000' })],
      sessions: [session],
    });
    const ended = await new EndChargingHandler(database, database, { seal: async () => ledger }).execute(session.id);
    return { ended, batteryWh: database.vehicles.get('vehicle-1')?.energyWh, events: database.outbox };
  }

  it('gives an unmetered charge its rated power over the time it charged, put into the battery', async () => {
    const { ended, batteryWh, events } = await end(
      anActiveCharge({ ratedPowerW: 3_600 }),
      aLedger({ energyWh: '0', sealedAt: at(1_800) }),
    );
    expect(ended).toMatchObject({ state: 'FINALIZED', energyDeliveredWh: 1_800, energySource: 'RATED_POWER' });
    expect(batteryWh).toBe('2800');
    expect(events.map((event) => event.type)).toEqual(['SessionFinalized']);
  });

  it('gives a metered charge the energy its meter values sealed', async () => {
    const { ended, batteryWh } = await end(anActiveCharge({ metered: true }), aLedger({ energyWh: '7.125' }));
    expect(ended).toMatchObject({ energyDeliveredWh: 7.125, energySource: 'TELEMETRY' });
    expect(batteryWh).toBe('1007.125');
  });

  it('finds no charge under a ride’s id', async () => {
    await expect(end(anActiveRide(), aLedger())).rejects.toBeInstanceOf(SessionNotFoundError);
  });
});
