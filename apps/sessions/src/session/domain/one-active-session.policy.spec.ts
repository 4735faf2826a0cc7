import { checkOneActiveSession, type ActiveSessions } from './one-active-session.policy';
import { StationHasActiveSessionError, VehicleHasActiveSessionError } from './session.errors';
import { anActiveCharge, anActiveRide } from './session.test-builders';

const idle: ActiveSessions = { onVehicle: null, atStation: null };
const aRide = () => anActiveRide().toSnapshot();
const aCharge = () => anActiveCharge({ stationId: 'station-1' }).toSnapshot();

function refusal(check: () => void): unknown {
  try {
    check();
  } catch (error) {
    return error;
  }
  throw new Error('the policy let the session start');
}

describe('one active session per vehicle and per station', () => {
  it('lets a ride or a charge start when its vehicle and station are idle', () => {
    expect(() => checkOneActiveSession(aRide(), idle)).not.toThrow();
    expect(() => checkOneActiveSession(aCharge(), idle)).not.toThrow();
  });

  it('refuses any session on a vehicle that has one active, naming it', () => {
    for (const session of [aRide(), aCharge()]) {
      const error = refusal(() => checkOneActiveSession(session, { ...idle, onVehicle: 'ride-0' }));
      expect(error).toBeInstanceOf(VehicleHasActiveSessionError);
      expect(error).toMatchObject({
        code: 'VEHICLE_HAS_ACTIVE_SESSION',
        details: { vehicleId: 'vehicle-1', activeSessionId: 'ride-0' },
      });
    }
  });

  it('refuses a charge at a station that has one active, naming it', () => {
    const error = refusal(() => checkOneActiveSession(aCharge(), { ...idle, atStation: 'charge-0' }));
    expect(error).toBeInstanceOf(StationHasActiveSessionError);
    expect(error).toMatchObject({
      code: 'STATION_HAS_ACTIVE_SESSION',
      details: { stationId: 'station-1', activeSessionId: 'charge-0' },
    });
  });

  it('names the vehicle when both are busy', () => {
    const error = refusal(() => checkOneActiveSession(aCharge(), { onVehicle: 'ride-0', atStation: 'charge-0' }));
    expect(error).toBeInstanceOf(VehicleHasActiveSessionError);
  });

  it('does not hold a station against a ride, which takes none', () => {
    expect(() => checkOneActiveSession(aRide(), { ...idle, atStation: 'charge-0' })).not.toThrow();
  });
});
