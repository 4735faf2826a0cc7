import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { PageRequest } from '../common/pagination';
import { RejectionReasons, type RejectionReason } from './telemetry-sample';

export class ListSamplesRequest extends PageRequest {
  @IsUUID()
  sessionId!: string;
}

export interface SampleView {
  telemetryId: string;
  sessionId: string;
  vehicleId: string | null;
  stationId: string | null;
  emittedAt: string;
  receivedAt: string;
  energyWh: number;
  meterWh: number | null;
  distanceM: number | null;
  speedKmh: number | null;
  batteryLevelWh: number | null;
  seq: number | null;
}

export class ListRejectionsRequest extends PageRequest {
  @IsOptional()
  @IsUUID()
  sessionId?: string;

  @IsOptional()
  @IsUUID()
  vehicleId?: string;

  @IsOptional()
  @IsIn(RejectionReasons)
  reason?: RejectionReason;

  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export interface RejectionView {
  id: string;
  reason: RejectionReason;
  detail: string;
  telemetryId: string | null;
  sessionId: string | null;
  deviceId: string | null;
  payload: string;
  receivedAt: string;
}
