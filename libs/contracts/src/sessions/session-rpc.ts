import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { ConnectorRef } from '../central-system/charge-point-rpc';
import { IsIdTag, type AuthorizationStatus } from '../fleet/token-rpc';
import { CreateCommandOf } from '../common/create-command';
import { PeriodPageRequest } from '../common/pagination';
import { SessionKinds, SessionStates, type EnergySource, type SessionKind, type SessionState } from './session-kinds';

/** RPC patterns the sessions service answers. */
export const SessionRpc = {
  startRide: 'sessions.start-ride.v1',
  startCharging: 'sessions.start-charging.v1',
  startChargingAtConnector: 'sessions.start-charging-at-connector.v1',
  end: 'sessions.end.v1',
  get: 'sessions.get.v1',
  list: 'sessions.list.v1',
} as const;

export class StartRideRequest {
  @IsUUID()
  vehicleId!: string;

  @IsUUID()
  riderId!: string;
}

/** The session id, when given, comes from the caller's Idempotency-Key (see CreateCommandOf). */
export class StartRideCommand extends CreateCommandOf(StartRideRequest) {}

export class StartChargingRequest {
  @IsUUID()
  vehicleId!: string;

  @IsUUID()
  stationId!: string;

  /** Who charges, when known (an OCPP charge: the rider its idTag names), so the charge is on their statement. */
  @IsOptional()
  @IsUUID()
  riderId?: string;
}

/** The session id, when given, comes from the caller's Idempotency-Key (see CreateCommandOf). */
export class StartChargingCommand extends CreateCommandOf(StartChargingRequest) {}

/**
 * An OCPP StartTransaction in one call: the idTag's token names the rider and the vehicle, the
 * connector the station, and the charge starts under the same rules as any other. `id` is the
 * session's, derived by the caller from the start itself, so a retried start finds the same session.
 */
export class StartChargingAtConnectorCommand extends ConnectorRef {
  @IsUUID()
  id!: string;

  @IsIdTag()
  idTag!: string;
}

/**
 * The answer to a start at a connector: Accepted with the charge, or the idTag's status when its token
 * is unknown (Invalid) or revoked (Blocked); Invalid too for a connector no station is linked to.
 */
export interface StartedAtConnectorView {
  status: AuthorizationStatus;
  session: SessionView | null;
}

export class EndSessionRequest {
  @IsUUID()
  sessionId!: string;

  /** The kind the caller believes it ends: a ride id sent to the charging route is not found. */
  @IsIn(SessionKinds)
  kind!: SessionKind;
}

export class GetSessionRequest {
  @IsUUID()
  sessionId!: string;
}

/** Sessions, filtered on when they started. */
export class ListSessionsRequest extends PeriodPageRequest {
  @IsOptional()
  @IsIn(SessionKinds)
  kind?: SessionKind;

  @IsOptional()
  @IsIn(SessionStates)
  state?: SessionState;

  @IsOptional()
  @IsUUID()
  vehicleId?: string;

  @IsOptional()
  @IsUUID()
  stationId?: string;

  @IsOptional()
  @IsUUID()
  riderId?: string;
}

/** A session as the API shows it. Totals are null while it is active. */
export interface SessionView {
  id: string;
  kind: SessionKind;
  state: SessionState;
  vehicleId: string;
  riderId: string | null;
  stationId: string | null;
  startedAt: string;
  endedAt: string | null;
  durationS: number | null;
  /** Rides: energy consumed. */
  energyConsumedWh?: number | null;
  /** Charges: energy delivered. */
  energyDeliveredWh?: number | null;
  energySource: EnergySource | null;
  distanceM: number | null;
  sampleCount: number | null;
}
