import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, ValidateNested } from 'class-validator';
import { OcppFrameLoggedV1 } from './ocpp-frame-logged.v1';

export const OCPP_FRAMES_LOGGED_V1 = 'ocpp.frames-logged.v1';

/** Most frames one message carries; a central-system sends a batch when it has this many or 50,000 payload characters. */
export const MAX_OCPP_FRAMES_PER_MESSAGE = 200;

/**
 * The frames a central-system instance saw within a few milliseconds, across its connections, each
 * as `ocpp.frame-logged.v1` describes one, in the order they crossed. A message per frame was two
 * publishes, two deliveries and two acks per OCPP call: the most work the broker and the
 * central-system did per MeterValues.
 */
export class OcppFramesLoggedV1 {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_OCPP_FRAMES_PER_MESSAGE)
  @ValidateNested({ each: true })
  @Type(() => OcppFrameLoggedV1)
  frames!: OcppFrameLoggedV1[];
}
