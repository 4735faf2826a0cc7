import { buildServices } from './build';
import { ensureInfrastructure, InfrastructureMissingError } from './infrastructure';
import { provisionServiceDatabases } from './provision';
import { infraSettings } from './settings';
import { Stack } from './stack';

/** `npm start`: infrastructure, databases, the five services; Ctrl-C stops everything it started. */
async function main(): Promise<void> {
  const log = (line: string) => console.log(`chargeflow: ${line}`);
  const settings = infraSettings(process.env);
  const infrastructure = await ensureInfrastructure(settings, log);
  const created = await provisionServiceDatabases(settings.adminDatabaseUrl, process.env);
  if (created.length > 0) log(`created databases: ${created.join(', ')}`);
  const env = { ...process.env, RABBITMQ_URL: settings.rabbitmqUrl };
  const build = buildServices();
  log(`built ${build.files} files in ${build.ms} ms`);
  log('starting api-gateway, sessions, telemetry, pricing, analytics');
  const stack = await Stack.start({ env });
  log(`ready: gateway ${stack.gatewayUrl}`);
  log(`        health ${stack.gatewayUrl}/healthz, readiness ${stack.gatewayUrl}/readyz`);
  log('press Ctrl-C to stop');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping the services`);
    await stack.stop();
    await infrastructure.stop();
    log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof InfrastructureMissingError) {
    console.error(`chargeflow: ${error.message}`);
  } else {
    console.error(`chargeflow: failed to start: ${(error as Error).message}`);
  }
  process.exit(1);
});
