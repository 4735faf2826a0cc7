import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import {
  createEnvelope,
  Exchanges,
  MAX_OCPP_FRAME_CHARS,
  MAX_OCPP_FRAMES_PER_MESSAGE,
  OCPP_FRAMES_LOGGED_V1,
  type OcppFrameLoggedV1,
} from '@chargeflow/contracts';
import { ConfirmPublisher } from '@chargeflow/messaging';
import { PINO_LOGGER, storable } from '@chargeflow/runtime';
import { ConnectionFrameReader, type FrameReading } from '../domain/frame-reading';

/** A connection's raw message events, as ocpp-rpc emits them for every frame sent or received. */
export interface FrameSource {
  on(event: 'message', listener: (frame: { message: string | Buffer; outbound: boolean }) => void): void;
}

/** How long a frame may wait for others to share its message. */
const BATCH_WAIT_MS = 10;
/** A batch is sent once its payloads reach this many characters (frames may be 64 KB each). */
const BATCH_MAX_CHARS = 50_000;

/**
 * Sends every frame of this instance's connections, both directions, to the protocol log through the
 * broker, a batch of frames per message (`ocpp.frames-logged.v1`): as many as crossed within 10 ms,
 * up to 200 frames or 50,000 payload characters. It listens to the connections' raw message events,
 * so a malformed frame is logged as it came. Frames wait in memory for at most 10 ms: a process that
 * dies loses them, as it loses a frame whose publish it had not had confirmed.
 */
@Injectable()
export class FrameRecorder {
  private batch: OcppFrameLoggedV1[] = [];
  private batchChars = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly sending = new Set<Promise<void>>();

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
      this.add({
        frameId: randomUUID(),
        chargePointId,
        direction,
        ...storableReading(reader.read(raw, direction)),
        at: new Date(lastAt).toISOString(),
        payload: raw,
      });
    });
  }

  /** Sends the frames waiting, and resolves once every batch sent so far is confirmed or given up. */
  async flush(): Promise<void> {
    this.send();
    await Promise.all([...this.sending]);
  }

  private add(frame: OcppFrameLoggedV1): void {
    this.batch.push(frame);
    this.batchChars += frame.payload.length;
    if (this.batch.length >= MAX_OCPP_FRAMES_PER_MESSAGE || this.batchChars >= BATCH_MAX_CHARS) this.send();
    else this.timer ??= setTimeout(() => this.send(), BATCH_WAIT_MS);
  }

  private send(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const frames = this.batch;
    if (frames.length === 0) return;
    this.batch = [];
    this.batchChars = 0;
    const sent = this.publisher
      .publishEnvelope(
        Exchanges.events,
        OCPP_FRAMES_LOGGED_V1,
        createEnvelope(OCPP_FRAMES_LOGGED_V1, { frames }, { correlationId: `ocpp-frames:${frames[0].frameId}` }),
      )
      .catch((error: unknown) =>
        this.logger.error(
          {
            err: error,
            event: 'ocpp.frame.not-logged',
            frames: frames.length,
            chargePointIds: [...new Set(frames.map((frame) => frame.chargePointId))].slice(0, 20),
            firstFrameId: frames[0].frameId,
          },
          'frames could not be sent to the protocol log',
        ),
      );
    this.sending.add(sent);
    void sent.finally(() => this.sending.delete(sent));
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
