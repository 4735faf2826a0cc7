import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What this machine charges a process for a message that comes after its core went idle, against one
 * that comes at once. An echo process answers one-byte messages over loopback TCP, one at a time:
 * back to back (it waits in `epoll_wait` only the microseconds until the next message), then with
 * `IDLE_MS` of nothing between messages (long enough for its core to go idle). Only the echo process's
 * CPU is counted (its own `cpuUsage`), not the sender's timers; the two phases alternate which goes
 * first, round by round, so neither always inherits the other's garbage to collect.
 * The command path at its steady rate is the second case for every process it crosses; at capacity,
 * nearer the first.
 */
export interface WakeUpTax {
  /** CPU microseconds the echo process spent per message, messages back to back. */
  backToBackUs: number;
  /** The same with the process idle `IDLE_MS` between messages. */
  afterIdleUs: number;
}

const IDLE_MS = 5;
const BACK_TO_BACK = 20_000;
const WITH_IDLE = 1_000;
/** The longest wait for the echo process to answer a question about its CPU, or to start. */
const ANSWER_TIMEOUT_MS = 10_000;

/** The echo process: answers every chunk with itself; its CPU so far on any IPC message. */
const ECHO_SOURCE = `
const server = require('node:net').createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('data', (chunk) => socket.write(chunk));
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', () => process.send({ cpu: process.cpuUsage() }));
process.on('disconnect', () => process.exit(0));
`;

/** Measures `rounds` pairs (back to back, after idle). */
export async function measureWakeUpTax(rounds: number): Promise<WakeUpTax[]> {
  const echo = spawn(process.execPath, ['-e', ECHO_SOURCE], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    const [{ port }] = (await answerOf(echo)) as [{ port: number }];
    const socket = connect(port, '127.0.0.1');
    // A message the echo process will never answer fails the wait for it instead of hanging.
    echo.once('exit', (code) => socket.destroy(new Error(`the echo process exited (${code})`)));
    socket.setNoDelay(true);
    await once(socket, 'connect');
    try {
      const taxes: WakeUpTax[] = [];
      for (let round = 0; round < rounds; round += 1) {
        const backToBack = () => echoCpuPerMessage(echo, socket, BACK_TO_BACK, 0);
        const afterIdle = () => echoCpuPerMessage(echo, socket, WITH_IDLE, IDLE_MS);
        if (round % 2 === 0) {
          const backToBackUs = await backToBack();
          taxes.push({ backToBackUs, afterIdleUs: await afterIdle() });
        } else {
          const afterIdleUs = await afterIdle();
          taxes.push({ backToBackUs: await backToBack(), afterIdleUs });
        }
      }
      return taxes;
    } finally {
      socket.destroy();
    }
  } finally {
    echo.kill();
  }
}

function answerOf(echo: ChildProcess): Promise<unknown[]> {
  return once(echo, 'message', { signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) });
}

async function echoCpuPerMessage(echo: ChildProcess, socket: Socket, messages: number, idleMs: number) {
  const before = await echoCpuUs(echo);
  for (let sent = 0; sent < messages; sent += 1) {
    if (idleMs > 0) await sleep(idleMs);
    const answered = once(socket, 'data');
    socket.write('x');
    await answered;
  }
  return ((await echoCpuUs(echo)) - before) / messages;
}

async function echoCpuUs(echo: ChildProcess): Promise<number> {
  const answer = answerOf(echo) as Promise<[{ cpu: NodeJS.CpuUsage }]>;
  echo.send('cpu');
  const [{ cpu }] = await answer;
  return cpu.user + cpu.system;
}
