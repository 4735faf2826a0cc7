import { oneActiveSessionConflict, refusedStartConflict, type ActiveSessions } from './one-active-session.policy';
import { StationHasActiveSessionError, VehicleHasActiveSessionError } from './session.errors';
import { anActiveCharge, anActiveRide } from './session.test-builders';

const idle: ActiveSessions = { onVehicle: null, atStation: null };
const aRide = () => anActiveRide().toSnapshot();
const aCharge = () => anActiveCharge({ stationId: 'station-1' }).toSnapshot();

describe('one active session per vehicle and per station', () => {
  it('lets a ride or a charge start when its vehicle and station are idle', () => {
    expect(oneActiveSessionConflict(aRide(), idle)).toBeNull();
    expect(oneActiveSessionConflict(aCharge(), idle)).toBeNull();
  });

  it('refuses any session on a vehicle that has one active, naming it', () => {
    for (const session of [aRide(), aCharge()]) {
      const error = oneActiveSessionConflict(session, { ...idle, onVehicle: 'ride-0' });
      expect(error).toBeInstanceOf(VehicleHasActiveSessionError);
      expect(error).toMatchObject({
        code: 'VEHICLE_HAS_ACTIVE_SESSION',
        details: { vehicleId: 'vehicle-1', activeSessionId: 'ride-0' },
      });
    }
  });

  it('refuses a charge at a station that has one active, naming it', () => {
    const error = oneActiveSessionConflict(aCharge(), { ...idle, atStation: 'charge-0' });
    expect(error).toBeInstanceOf(StationHasActiveSessionError);
    expect(error).toMatchObject({
      code: 'STATION_HAS_ACTIVE_SESSION',
      details: { stationId: 'station-1', activeSessionId: 'charge-0' },
    });
  });

  it('names the vehicle when both are busy', () => {
    expect(oneActiveSessionConflict(aCharge(), { onVehicle: 'ride-0', atStation: 'charge-0' })).toBeInstanceOf(
      VehicleHasActiveSessionError,
    );
  });

  it('does not hold a station against a ride, which takes none', () => {
    expect(oneActiveSessionConflict(aRide(), { ...idle, atStation: 'charge-0' })).toBeNull();
  });

  it('names the blocker of a refused start when it is still there', () => {
    expect(refusedStartConflict(aCharge(), { ...idle, atStation: 'charge-0' })).toMatchObject({
      code: 'STATION_HAS_ACTIVE_SESSION',
      details: { activeSessionId: 'charge-0' },
    });
  });

  it("blames a charge's station, not its held vehicle, when the blocker ended before it could be read", () => {
    expect(refusedStartConflict(aCharge(), idle)).toMatchObject({
      code: 'STATION_HAS_ACTIVE_SESSION',
      details: { stationId: 'station-1', activeSessionId: 'unknown' },
    });
    expect(refusedStartConflict(aRide(), idle)).toMatchObject({
      code: 'VEHICLE_HAS_ACTIVE_SESSION',
      details: { activeSessionId: 'unknown' },
    });
  });
});
