import { buildServices } from '@chargeflow/infra';
import { startTestInfrastructure, type TestInfrastructure } from './test-infrastructure';

declare global {
  var chargeflowTestInfrastructure: TestInfrastructure | undefined;
}

/**
 * Jest global setup: the services compiled once for the suites that start them, and one real broker
 * and database for the run, handed to the workers through env.
 */
export default async function setup(): Promise<void> {
  buildServices();
  const infrastructure = await startTestInfrastructure((line) => process.stdout.write(`${line}\n`));
  process.env.RABBITMQ_URL = infrastructure.settings.rabbitmqUrl;
  process.env.DATABASE_URL = infrastructure.settings.adminDatabaseUrl;
  process.env.RABBITMQ_MANAGEMENT_URL = infrastructure.settings.rabbitmqManagementUrl;
  globalThis.chargeflowTestInfrastructure = infrastructure;
}
