import { connect } from 'amqplib';
import { DEFAULT_RABBITMQ_URL } from '@chargeflow/contracts';
import { declareTopology } from './topology';

/** `npm start`'s topology step, run as its own process before any service: exchanges and fact queues. */
async function main(): Promise<void> {
  const connection = await connect(process.env.RABBITMQ_URL || DEFAULT_RABBITMQ_URL);
  try {
    await declareTopology(connection);
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`declaring the broker topology failed: ${(error as Error).message}\n`);
  process.exit(1);
});
