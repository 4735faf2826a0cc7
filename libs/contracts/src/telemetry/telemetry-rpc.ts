import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageRequest, PeriodPageRequest } from '../common/pagination';
import { RejectionReasons, type RejectionReason } from './telemetry-sample';

export class ListSamplesRequest extends PageRequest {
  @IsUUID()
  sessionId!: string;
}

/** Whether telemetry has taken in one sample of a session: counted, or refused with a reason. */
export class TakenInRequest {
  @IsUUID()
  sessionId!: string;

  @IsUUID()
  telemetryId!: string;
}

export interface TakenInView {
  takenIn: boolean;
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

/** Refused device messages, filtered on when they were received. */
export class ListRejectionsRequest extends PeriodPageRequest {
  @IsOptional()
  @IsUUID()
  sessionId?: string;

  @IsOptional()
  @IsUUID()
  vehicleId?: string;

  @IsOptional()
  @IsIn(RejectionReasons)
  reason?: RejectionReason;
}

export interface RejectionView {
  id: string;
  reason: RejectionReason;
  detail: string;
  telemetryId: string | null;
  sessionId: string | null;
  deviceId: string | null;
  payload: string;
  /** The AMQP messageId the publisher set, when it set one (at most 128 characters kept). */
  messageId: string | null;
  receivedAt: string;
}
