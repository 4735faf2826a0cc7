import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * What this machine charges a process for a message that finds it asleep, against one that finds it
 * awake. An echo process answers one-byte messages over loopback TCP, one at a time: first back to back
 * (it is woken again before it has gone to sleep), then with `IDLE_MS` of nothing between messages (it
 * sleeps in `epoll_wait` each time). Only the echo process's CPU is counted (its own `cpuUsage`), so the
 * sender's timers are not. The command path at its steady rate is the second case for every process it
 * crosses; at capacity, the first.
 */
export interface WakeUpTax {
  /** CPU microseconds the echo process spent per message, messages back to back. */
  awakeUs: number;
  /** The same with the process idle `IDLE_MS` between messages. */
  asleepUs: number;
}

const IDLE_MS = 5;
const BACK_TO_BACK = 20_000;
const WITH_IDLE = 1_000;

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

/** Measures `rounds` pairs (awake, asleep), one after the other. */
export async function measureWakeUpTax(rounds: number): Promise<WakeUpTax[]> {
  const echo = spawn(process.execPath, ['-e', ECHO_SOURCE], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const [{ port }] = (await once(echo, 'message')) as [{ port: number }];
    const socket = connect(port, '127.0.0.1');
    socket.setNoDelay(true);
    await once(socket, 'connect');
    try {
      const taxes: WakeUpTax[] = [];
      for (let round = 0; round < rounds; round += 1) {
        const awakeUs = await echoCpuPerMessage(echo, socket, BACK_TO_BACK, 0);
        const asleepUs = await echoCpuPerMessage(echo, socket, WITH_IDLE, IDLE_MS);
        taxes.push({ awakeUs, asleepUs });
      }
      return taxes;
    } finally {
      socket.destroy();
    }
  } finally {
    echo.disconnect();
  }
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
  const answer = once(echo, 'message') as Promise<[{ cpu: NodeJS.CpuUsage }]>;
  echo.send('cpu');
  const [{ cpu }] = await answer;
  return cpu.user + cpu.system;
}
