import { QueryFailedError } from 'typeorm';
import { StationHasActiveSessionError, VehicleHasActiveSessionError } from '../domain/session.errors';
import { anActiveCharge, anActiveRide } from '../domain/session.test-builders';
import { activeSessionConflictOf } from './active-session-conflict';

/** A refused INSERT as TypeORM hands it over: the driver's error carries the SQLSTATE and the constraint. */
const refusedBy = (constraint: string, code = '23505') =>
  new QueryFailedError('INSERT INTO session ...', [], Object.assign(new Error('refused'), { code, constraint }));

const active = { onVehicle: 'ride-0', atStation: 'charge-0' };
const aCharge = () => anActiveCharge({ stationId: 'station-1' }, { vehicleId: 'vehicle-1' }).toSnapshot();

describe('the partial unique indexes behind the one-active-session policy', () => {
  it('turn a refusal by session_one_active_per_vehicle into VEHICLE_HAS_ACTIVE_SESSION', () => {
    const error = activeSessionConflictOf(refusedBy('session_one_active_per_vehicle'), aCharge(), active);
    expect(error).toBeInstanceOf(VehicleHasActiveSessionError);
    expect(error?.details).toEqual({ vehicleId: 'vehicle-1', activeSessionId: 'ride-0' });
  });

  it('turn a refusal by session_one_active_per_station into STATION_HAS_ACTIVE_SESSION', () => {
    const error = activeSessionConflictOf(refusedBy('session_one_active_per_station'), aCharge(), active);
    expect(error).toBeInstanceOf(StationHasActiveSessionError);
    expect(error?.details).toEqual({ stationId: 'station-1', activeSessionId: 'charge-0' });
  });

  it('leave every other error as it is', () => {
    const ride = anActiveRide().toSnapshot();
    expect(activeSessionConflictOf(refusedBy('session_pkey'), ride, active)).toBeNull();
    expect(activeSessionConflictOf(refusedBy('session_one_active_per_vehicle', '23503'), ride, active)).toBeNull();
    expect(activeSessionConflictOf(new Error('connection terminated'), ride, active)).toBeNull();
  });
});
