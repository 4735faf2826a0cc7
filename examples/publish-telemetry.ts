import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';

/**
 * A vehicle publishing telemetry the way ChargeFlow expects it: persistent JSON to the durable topic
 * exchange `telemetry`, routing key `sample.<vehicleId>`, with publisher confirms.
 *
 *   node -r @swc-node/register examples/publish-telemetry.ts <sessionId> <vehicleId> [samples]
 *
 * Start a ride first (POST /v1/rides); end it (POST /v1/rides/{id}/end) and its energyConsumedWh is
 * exactly the sum printed here.
 */
async function main(): Promise<void> {
  const [sessionId, vehicleId, count = '10'] = process.argv.slice(2);
  if (!sessionId || !vehicleId) throw new Error('usage: publish-telemetry.ts <sessionId> <vehicleId> [samples]');
  const connection = await connect(process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  const channel = await connection.createConfirmChannel();
  await channel.checkExchange('telemetry');
  let totalMilliWh = 0;
  for (let seq = 0; seq < Number(count); seq += 1) {
    // Whole milliwatt-hours, summed as integers: the printed total is exact.
    const milliWh = Math.round(Math.random() * 2_000);
    totalMilliWh += milliWh;
    const energyWh = milliWh / 1_000;
    const sample = {
      telemetryId: randomUUID(),
      sessionId,
      vehicleId,
      emittedAt: new Date().toISOString(),
      energyWh,
      distanceM: 12.5,
      seq,
    };
    channel.publish('telemetry', `sample.${vehicleId}`, Buffer.from(JSON.stringify(sample)), {
      persistent: true,
      contentType: 'application/json',
    });
  }
  await channel.waitForConfirms();
  await connection.close();
  console.log(`published ${count} samples, ${(totalMilliWh / 1_000).toFixed(3)} Wh in all`);
}

main().catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
