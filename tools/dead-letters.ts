import { connect } from 'amqplib';
import { DEFAULT_RABBITMQ_URL, Queues } from '@chargeflow/contracts';
import { countDeadLetters, replayDeadLetters } from '@chargeflow/messaging';

const USAGE = `usage: npm run dlq                          how many messages wait in each dead-letter queue
       npm run dlq -- replay <queue> [limit]    move them back to <queue> (all, or the first [limit])
RABBITMQ_URL names the broker and its virtual host (default: the local one).`;

/** `npm run dlq`: the dead-letter queues of ChargeFlow's fact queues, and their replay once the cause is fixed. */
async function main(): Promise<number> {
  const [command = 'list', queue, limitText] = process.argv.slice(2);
  const queues = Object.values(Queues);
  if (command !== 'list' && command !== 'replay') {
    console.error(USAGE);
    return 2;
  }
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (
    command === 'replay' &&
    (!queue ||
      !queues.includes(queue as (typeof queues)[number]) ||
      (limit !== undefined && !(Number.isInteger(limit) && limit > 0)))
  ) {
    console.error(`dlq: replay takes one of ${queues.join(', ')} and an optional positive limit\n${USAGE}`);
    return 2;
  }
  const model = await connect(process.env.RABBITMQ_URL || DEFAULT_RABBITMQ_URL);
  try {
    if (command === 'replay') {
      const moved = await replayDeadLetters(model, queue, limit);
      console.log(`dlq: moved ${moved} message${moved === 1 ? '' : 's'} from ${queue}.dlq back to ${queue}`);
      return 0;
    }
    for (const count of await countDeadLetters(model, queues)) {
      console.log(`${count.deadLetterQueue.padEnd(40)} ${count.waiting === null ? 'not declared yet' : count.waiting}`);
    }
    return 0;
  } finally {
    await model.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const unreachable = (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
    console.error(
      `dlq: ${(error as Error).message}${unreachable ? ' (no broker there: set RABBITMQ_URL, or npm run infra:up for the local one)' : ''}`,
    );
    process.exit(1);
  },
);
