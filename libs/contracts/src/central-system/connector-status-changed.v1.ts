import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CHARGE_POINT_ID_PATTERN, MAX_CONNECTOR_ID } from './charge-point-rpc';

export const CONNECTOR_STATUS_CHANGED_V1 = 'connector.status-changed.v1';

/** OCPP 1.6 ChargePointStatus values. */
export const ConnectorStatuses = [
  'Available',
  'Preparing',
  'Charging',
  'SuspendedEVSE',
  'SuspendedEV',
  'Finishing',
  'Reserved',
  'Unavailable',
  'Faulted',
] as const;

export type ConnectorStatus = (typeof ConnectorStatuses)[number];

/** A charge point reported a connector's status (StatusNotification); connector 0 is the charge point. */
export class ConnectorStatusChangedV1 {
  @IsString()
  @Matches(CHARGE_POINT_ID_PATTERN)
  chargePointId!: string;

  @IsInt()
  @Min(0)
  @Max(MAX_CONNECTOR_ID)
  connectorId!: number;

  @IsIn(ConnectorStatuses)
  status!: ConnectorStatus;

  @IsString()
  @MaxLength(50)
  errorCode!: string;

  @IsISO8601({ strict: true })
  statusAt!: string;

  @IsOptional()
  @IsString()
  @MaxLength(50)
  info?: string;
}
