import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  createEnvelope,
  Exchanges,
  MAX_OCPP_FRAME_CHARS,
  OCPP_FRAME_LOGGED_V1,
  type OcppFrameLoggedV1,
} from '@chargeflow/contracts';
import { ConfirmPublisher } from '@chargeflow/messaging';
import { PINO_LOGGER, storable } from '@chargeflow/runtime';
import { ConnectionFrameReader, type FrameReading } from '../domain/frame-reading';

/** A connection's raw message events, as ocpp-rpc emits them for every frame sent or received. */
export interface FrameSource {
  on(event: 'message', listener: (frame: { message: string | Buffer; outbound: boolean }) => void): void;
}

/**
 * Sends every frame of a connection, both directions, to the protocol log through the broker. It
 * listens to the connection's raw message events, so a malformed frame is logged as it came.
 */
@Injectable()
export class FrameRecorder {
  constructor(
    private readonly publisher: ConfirmPublisher,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  attach(chargePointId: string, source: FrameSource): void {
    const reader = new ConnectionFrameReader();
    // Frames of one connection get strictly increasing instants, so newest-first keeps their order.
    let lastAt = 0;
    source.on('message', ({ message, outbound }) => {
      // Storable from the start (no NUL, no lone surrogate): a frame's bytes never make its batch fail to store.
      const raw = storable(typeof message === 'string' ? message : message.toString('utf8'), MAX_OCPP_FRAME_CHARS);
      const direction = outbound ? 'OUT' : 'IN';
      lastAt = Math.max(Date.now(), lastAt + 1);
      const frame: OcppFrameLoggedV1 = {
        frameId: randomUUID(),
        chargePointId,
        direction,
        ...storableReading(reader.read(raw, direction)),
        at: new Date(lastAt).toISOString(),
        payload: raw,
      };
      this.publisher
        .publishEnvelope(
          Exchanges.events,
          OCPP_FRAME_LOGGED_V1,
          createEnvelope(OCPP_FRAME_LOGGED_V1, frame, { correlationId: `ocpp:${chargePointId}` }),
        )
        .catch((error: unknown) =>
          this.logger.error(
            { err: error, event: 'ocpp.frame.not-logged', chargePointId, frameId: frame.frameId },
            'a frame could not be sent to the protocol log',
          ),
        );
    });
  }
}

/** A reading's texts come from the frame (a JSON string may hold an escaped NUL): storable, like the frame. */
function storableReading(reading: FrameReading): FrameReading {
  return {
    ...reading,
    messageId: storable(reading.messageId, MAX_OCPP_FRAME_CHARS),
    action: storable(reading.action, MAX_OCPP_FRAME_CHARS),
    error: storable(reading.error, MAX_OCPP_FRAME_CHARS),
  };
}
