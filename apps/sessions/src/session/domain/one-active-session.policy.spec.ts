import { oneActiveSessionConflict, type ActiveSessions } from './one-active-session.policy';
import { StationHasActiveSessionError, VehicleHasActiveSessionError } from './session.errors';
import { anActiveCharge, anActiveRide } from './session.test-builders';

const idle: ActiveSessions = { onVehicle: null, atStation: null };
const aRide = () => anActiveRide().toSnapshot();
const aCharge = () => anActiveCharge({ stationId: 'station-1' }).toSnapshot();

describe('one active session per vehicle and per station', () => {
  it('names the active session of a busy vehicle, for a ride and for a charge', () => {
    for (const session of [aRide(), aCharge()]) {
      const error = oneActiveSessionConflict(session, { ...idle, onVehicle: 'ride-0' });
      expect(error).toBeInstanceOf(VehicleHasActiveSessionError);
      expect(error).toMatchObject({
        code: 'VEHICLE_HAS_ACTIVE_SESSION',
        details: { vehicleId: 'vehicle-1', activeSessionId: 'ride-0' },
      });
    }
  });

  it('names the active session of a busy station for a charge', () => {
    const error = oneActiveSessionConflict(aCharge(), { ...idle, atStation: 'charge-0' });
    expect(error).toBeInstanceOf(StationHasActiveSessionError);
    expect(error).toMatchObject({
      code: 'STATION_HAS_ACTIVE_SESSION',
      details: { stationId: 'station-1', activeSessionId: 'charge-0' },
    });
  });

  it('names the vehicle when both are busy', () => {
    const error = oneActiveSessionConflict(aCharge(), { onVehicle: 'ride-0', atStation: 'charge-0' });
    expect(error).toBeInstanceOf(VehicleHasActiveSessionError);
  });

  it('does not hold a station against a ride, which takes none', () => {
    expect(oneActiveSessionConflict(aRide(), { ...idle, atStation: 'charge-0' })).toMatchObject({
      code: 'VEHICLE_HAS_ACTIVE_SESSION',
      details: { activeSessionId: 'unknown' },
    });
  });

  it('still names the rule when the blocking session ended before it could be read', () => {
    expect(oneActiveSessionConflict(aCharge(), idle)).toMatchObject({
      code: 'VEHICLE_HAS_ACTIVE_SESSION',
      details: { vehicleId: 'vehicle-1', activeSessionId: 'unknown' },
    });
  });
});
