import { IsInt, IsString, IsUUID, Matches, Max, Min } from 'class-validator';
import { IsIdTag } from '../fleet/token-rpc';

/** Where charge points connect when CENTRAL_SYSTEM_PORT is not set. */
export const DEFAULT_CENTRAL_SYSTEM_PORT = 9220;

/** RPC patterns the central-system answers. */
export const ChargePointRpc = {
  register: 'charge-points.register.v1',
  connectorStatus: 'charge-points.connector-status.v1',
  remoteStart: 'charge-points.remote-start.v1',
  remoteStop: 'charge-points.remote-stop.v1',
  searchLog: 'ocpp.search-log.v1',
} as const;

/** The identity a charge point puts in its URL (`/ocpp/<chargePointId>`): URL- and Basic-auth-safe. */
export const CHARGE_POINT_ID_PATTERN = /^[A-Za-z0-9._-]{1,48}$/;

/** OCPP 1.6 security profile 1 passwords (AuthorizationKey): 16 to 40 printable ASCII characters. */
export const CHARGE_POINT_PASSWORD_PATTERN = /^[\x21-\x7e]{16,40}$/;

/** OCPP 1.6 connector ids: 0 is the charge point itself, 1 and up its connectors. */
export const MAX_CONNECTOR_ID = 100;

export class RegisterChargePointRequest {
  @IsString()
  @Matches(CHARGE_POINT_ID_PATTERN, {
    message: 'chargePointId must be 1 to 48 letters, digits, dots, dashes or underscores',
  })
  chargePointId!: string;

  @IsString()
  @Matches(CHARGE_POINT_PASSWORD_PATTERN, {
    message: 'password must be 16 to 40 printable ASCII characters without spaces',
  })
  password!: string;
}

export interface ChargePointView {
  chargePointId: string;
  createdAt: string;
}

export class ConnectorRef {
  @IsString()
  @Matches(CHARGE_POINT_ID_PATTERN, {
    message: 'chargePointId must be 1 to 48 letters, digits, dots, dashes or underscores',
  })
  chargePointId!: string;

  @IsInt()
  @Min(1)
  @Max(MAX_CONNECTOR_ID)
  connectorId!: number;
}

/** A connector's last StatusNotification; `status` is null until the charge point has sent one. */
export interface ConnectorStatusView {
  chargePointId: string;
  connectorId: number;
  status: string | null;
  errorCode: string | null;
  /** The charge point's own timestamp when it gave one, else when the central-system received it. */
  statusAt: string | null;
}

export class RemoteStartRequest extends ConnectorRef {
  @IsIdTag()
  idTag!: string;
}

export class RemoteStopRequest {
  @IsUUID()
  sessionId!: string;
}

/** The charge point's own answer to a remote command. */
export interface RemoteCommandView {
  status: 'Accepted' | 'Rejected';
}
