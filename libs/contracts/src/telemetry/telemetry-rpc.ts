import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsUUID, ValidateNested } from 'class-validator';
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

/** The most samples one taken-in question may name. */
export const MAX_TAKEN_IN_QUESTION = 1_000;

/** Which of these samples telemetry has taken in (counted, or refused with a reason), in one question. */
export class TakenInAmongRequest {
  @IsArray()
  @ArrayMaxSize(MAX_TAKEN_IN_QUESTION)
  @ValidateNested({ each: true })
  @Type(() => TakenInRequest)
  samples!: TakenInRequest[];
}

export interface TakenInAmongView {
  /** The samples asked about that are taken in, written as they were asked. */
  takenIn: { sessionId: string; telemetryId: string }[];
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
