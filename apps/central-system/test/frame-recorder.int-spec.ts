import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import {
  Exchanges,
  MAX_OCPP_FRAMES_PER_MESSAGE,
  OCPP_FRAMES_LOGGED_V1,
  OcppFramesLoggedV1,
  type OcppFrameLoggedV1,
} from '@chargeflow/contracts';
import { AmqpConnection, ConfirmPublisher, decodeEnvelope, declareTopology } from '@chargeflow/messaging';
import { createIsolatedVhost, RecordingLogger, waitFor, type IsolatedVhost } from '@chargeflow/testing';
import type { ConsumeMessage } from 'amqplib';
import { FrameRecorder } from '../src/protocol-log/record-frames/frame.recorder';

describe('the frame recorder on a real broker', () => {
  let vhost: IsolatedVhost;
  let connection: AmqpConnection;
  let recorder: FrameRecorder;
  const received: OcppFrameLoggedV1[][] = [];

  beforeAll(async () => {
    vhost = await createIsolatedVhost('frame_recorder');
    connection = await AmqpConnection.open({
      url: vhost.url,
      name: 'frame-recorder-test',
      logger: new RecordingLogger(),
    });
    const channel = await connection.current().createChannel();
    await declareTopology(connection.current());
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, Exchanges.events, OCPP_FRAMES_LOGGED_V1);
    await channel.consume(queue, (message: ConsumeMessage | null) => {
      if (!message) return;
      received.push(decodeEnvelope(message.content, OcppFramesLoggedV1).payload.frames);
      channel.ack(message);
    });
    const publisher = await ConfirmPublisher.create(connection);
    recorder = new FrameRecorder(publisher, new RecordingLogger() as unknown as Logger);
  });

  afterAll(async () => {
    await connection?.close();
    await vhost?.remove();
  });

  const frameOf = (index: number) => JSON.stringify([2, `m${index}`, 'Heartbeat', {}]);

  it('sends the frames of one moment in messages of at most 200, every frame once, in order', async () => {
    received.length = 0;
    const [first, second] = [new EventEmitter(), new EventEmitter()];
    recorder.attach('CP-A', first);
    recorder.attach('CP-B', second);
    for (let index = 0; index < 450; index += 1) {
      (index % 2 === 0 ? first : second).emit('message', { message: frameOf(index), outbound: false });
    }
    await recorder.flush();
    await waitFor(async () => (received.flat().length === 450 ? true : undefined), 10_000, '450 frames', 20);
    expect(received.map((frames) => frames.length)).toEqual([
      MAX_OCPP_FRAMES_PER_MESSAGE,
      MAX_OCPP_FRAMES_PER_MESSAGE,
      50,
    ]);
    const frames = received.flat();
    expect(frames.map((frame) => frame.messageId)).toEqual(Array.from({ length: 450 }, (_, index) => `m${index}`));
    expect(frames.map((frame) => frame.chargePointId)).toEqual(
      Array.from({ length: 450 }, (_, index) => (index % 2 === 0 ? 'CP-A' : 'CP-B')),
    );
    expect(new Set(frames.map((frame) => frame.frameId)).size).toBe(450);
  });

  it('sends a lone frame within moments, without waiting for others', async () => {
    received.length = 0;
    const source = new EventEmitter();
    recorder.attach('CP-C', source);
    const sent = Date.now();
    source.emit('message', { message: Buffer.from(frameOf(1)), outbound: true });
    await waitFor(async () => (received.length === 1 ? true : undefined), 5_000, 'the lone frame', 5);
    expect(Date.now() - sent).toBeLessThan(1_000);
    expect(received[0]).toEqual([
      expect.objectContaining({ chargePointId: 'CP-C', direction: 'OUT', action: 'Heartbeat' }),
    ]);
  });

  it('sends a batch early once its payloads reach 50,000 characters', async () => {
    received.length = 0;
    const source = new EventEmitter();
    recorder.attach('CP-D', source);
    const big = JSON.stringify([2, 'big', 'DataTransfer', { vendorId: 'x', data: 'y'.repeat(20_000) }]);
    for (let index = 0; index < 5; index += 1) source.emit('message', { message: big, outbound: false });
    await recorder.flush();
    await waitFor(async () => (received.flat().length === 5 ? true : undefined), 5_000, 'five big frames', 20);
    expect(received.map((frames) => frames.length)).toEqual([3, 2]);
  });
});
