import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { PeriodPageRequest, StrictInt } from '../common/pagination';
import { CHARGE_POINT_ID_PATTERN } from './charge-point-rpc';

export const OCPP_FRAME_LOGGED_V1 = 'ocpp.frame-logged.v1';

/** Largest frame kept whole in the protocol log: the central-system's WebSocket frame limit. */
export const MAX_OCPP_FRAME_CHARS = 65_536;

export const FrameDirections = ['IN', 'OUT'] as const;
export type FrameDirection = (typeof FrameDirections)[number];

/**
 * One raw OCPP-J frame as it crossed a charge point's connection, in either direction, with what
 * could be read from it: a malformed frame is kept too, with `error` saying why it was refused.
 */
export class OcppFrameLoggedV1 {
  @IsUUID()
  frameId!: string;

  @IsString()
  @Matches(CHARGE_POINT_ID_PATTERN)
  chargePointId!: string;

  @IsIn(FrameDirections)
  direction!: FrameDirection;

  /** 2 CALL, 3 CALLRESULT, 4 CALLERROR; null when the frame is not one. */
  @ValidateIf((_frame, value) => value !== null)
  @IsIn([2, 3, 4])
  messageType!: 2 | 3 | 4 | null;

  @ValidateIf((_frame, value) => value !== null)
  @IsString()
  @MaxLength(100)
  messageId!: string | null;

  @ValidateIf((_frame, value) => value !== null)
  @IsString()
  @MaxLength(100)
  action!: string | null;

  @ValidateIf((_frame, value) => value !== null)
  @IsInt()
  transactionId!: number | null;

  @IsISO8601({ strict: true })
  at!: string;

  @IsString()
  @MaxLength(MAX_OCPP_FRAME_CHARS)
  payload!: string;

  @ValidateIf((_frame, value) => value !== null)
  @IsString()
  @MaxLength(1_000)
  error!: string | null;
}

/** `GET /v1/ocpp/log`: frames newest first, filtered; `q` searches the raw payload. */
export class SearchOcppLogRequest extends PeriodPageRequest {
  @IsOptional()
  @IsString()
  @Matches(CHARGE_POINT_ID_PATTERN)
  chargePointId?: string;

  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z]{1,50}$/)
  action?: string;

  @IsOptional()
  @StrictInt()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  transactionId?: number;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export type OcppFrameView = OcppFrameLoggedV1;
