import type { Socket } from 'node:net';
import type { ChannelModel } from 'amqplib';

/** The parts of amqplib 0.10's connection this module reaches (pinned in package.json). */
interface MuxInternals {
  _readIncoming(): void;
}
interface ConnectionInternals {
  stream?: Socket;
  muxer?: MuxInternals;
}

/**
 * Makes a connection write the frames its channels queued since the muxer last ran (one turn of the
 * event loop) with one system call. amqplib's muxer writes each frame (a publish is one, an ack
 * another) to the socket on its own: a process that publishes and acks in bursts makes a `write`
 * call per frame, and the broker reads a segment per frame; profiles of the central-system and the
 * sessions service under load put a quarter to two fifths of their CPU in socket writes. Corked while
 * the muxer drains its queues and uncorked right after, the socket sends them with one `writev`
 * (frames queued in different turns still leave one write each). Nothing is delayed: the muxer
 * already runs in a later turn (setImmediate) than the writes it collects, and uncork happens in that
 * same turn. Backpressure is unchanged: past the socket's high-water mark `write` returns false, the
 * muxer stops and resumes on 'drain', as before.
 *
 * Throws when amqplib's internals are not as expected (an upgrade that moved them): silently
 * writing frame by frame again would only show up in a benchmark.
 */
export function coalesceWrites(model: ChannelModel): void {
  const connection = (model as unknown as { connection?: ConnectionInternals }).connection;
  const socket = connection?.stream;
  const muxer = connection?.muxer;
  if (!socket || typeof socket.cork !== 'function' || typeof muxer?._readIncoming !== 'function') {
    throw new Error('amqplib internals changed: its muxer or socket is not where coalesceWrites expects them');
  }
  const drain = muxer._readIncoming.bind(muxer);
  muxer._readIncoming = () => {
    socket.cork();
    try {
      drain();
    } finally {
      socket.uncork();
    }
  };
}
