import type { Socket } from 'node:net';
import { createIsolatedVhost, RecordingLogger, type IsolatedVhost } from '@chargeflow/testing';
import { AmqpConnection } from './amqp-connection';

describe('a connection writes the frames of one turn with one system call', () => {
  let vhost: IsolatedVhost;
  let connection: AmqpConnection;

  beforeAll(async () => {
    vhost = await createIsolatedVhost('coalesced_writes');
    connection = await AmqpConnection.open({
      url: vhost.url,
      name: 'coalesced-writes-test',
      logger: new RecordingLogger(),
    });
  });

  afterAll(async () => {
    await connection?.close();
    await vhost?.remove();
  });

  it('sends 200 publishes of one turn in a few socket writes, and every message arrives in order', async () => {
    const model = connection.current();
    const channel = await model.createConfirmChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true });
    const socket = (model as unknown as { connection: { stream: Socket } }).connection.stream;
    let writes = 0;
    const counted = <F extends (...args: never[]) => unknown>(write: F) =>
      ((...args: Parameters<F>) => {
        writes += 1;
        return write.apply(socket, args);
      }) as F;
    const internals = socket as unknown as { _write: Socket['_write']; _writev: NonNullable<Socket['_writev']> };
    const [write, writev] = [internals._write, internals._writev];
    internals._write = counted(write);
    internals._writev = counted(writev);
    try {
      for (let index = 0; index < 200; index += 1) channel.sendToQueue(queue, Buffer.from(String(index)));
      await channel.waitForConfirms();
    } finally {
      internals._write = write;
      internals._writev = writev;
    }
    // Frame by frame, amqplib made one write per publish (200); the confirms' acks come back on the read side.
    expect(writes).toBeLessThanOrEqual(5);

    const received: string[] = [];
    for (let index = 0; index < 200; index += 1) {
      const message = await channel.get(queue);
      if (!message) continue;
      received.push(message.content.toString());
      channel.ack(message);
    }
    expect(received).toEqual(Array.from({ length: 200 }, (_, index) => String(index)));
    await channel.close();
  });
});
