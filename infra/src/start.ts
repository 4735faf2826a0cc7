import { randomBytes } from 'node:crypto';
import { buildServices } from './build';
import { ensureInfrastructure, InfrastructureMissingError } from './infrastructure';
import { provisionServiceDatabases } from './provision';
import { infraSettings } from './settings';
import { Stack } from './stack';
import { runTopologyStep } from './topology-step';

/** `npm start`: infrastructure, databases, the six services; Ctrl-C stops everything it started. */
async function main(): Promise<void> {
  const log = (line: string) => console.log(`chargeflow: ${line}`);
  const settings = infraSettings(process.env);
  const infrastructure = await ensureInfrastructure(settings, log);
  const created = await provisionServiceDatabases(settings.adminDatabaseUrl, process.env);
  if (created.length > 0) log(`created databases: ${created.join(', ')}`);
  const build = buildServices();
  log(`built ${build.files} files in ${build.ms} ms`);
  // The topology step, before anything accepts traffic: a sample published meanwhile is kept.
  await runTopologyStep(settings.rabbitmqUrl);
  log('declared the exchanges and fact queues: devices may publish before any service is up');
  // Locally, a fresh bootstrap admin key per start (it replaces the previous one); production sets its own.
  const generatedAdminKey =
    !process.env.CHARGEFLOW_ADMIN_KEY && process.env.NODE_ENV !== 'production'
      ? `cf_${randomBytes(32).toString('base64url')}`
      : null;
  const env = {
    ...process.env,
    RABBITMQ_URL: settings.rabbitmqUrl,
    ...(generatedAdminKey ? { CHARGEFLOW_ADMIN_KEY: generatedAdminKey } : {}),
  };
  log('starting api-gateway, sessions, telemetry, pricing, analytics, central-system');
  const stack = await Stack.start({ env });
  log(`ready: gateway ${stack.gatewayUrl}`);
  log(`        health ${stack.gatewayUrl}/healthz, readiness ${stack.gatewayUrl}/readyz`);
  log(`        API docs ${stack.gatewayUrl}/docs, OpenAPI ${stack.gatewayUrl}/openapi.json`);
  log(`        OCPP 1.6J charge points ${stack.ocppUrl}/<chargePointId>`);
  if (generatedAdminKey) {
    log(
      `admin key (shown once, valid until the next start; set CHARGEFLOW_ADMIN_KEY to keep your own): ${generatedAdminKey}`,
    );
  }
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
