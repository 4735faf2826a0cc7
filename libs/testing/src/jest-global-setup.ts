import { startTestInfrastructure, type TestInfrastructure } from './test-infrastructure';

declare global {
  var chargeflowTestInfrastructure: TestInfrastructure | undefined;
}

/** Jest global setup: one real broker and database for the run, handed to the workers through env. */
export default async function setup(): Promise<void> {
  const infrastructure = await startTestInfrastructure((line) => process.stdout.write(`${line}\n`));
  process.env.RABBITMQ_URL = infrastructure.settings.rabbitmqUrl;
  process.env.DATABASE_URL = infrastructure.settings.adminDatabaseUrl;
  process.env.RABBITMQ_MANAGEMENT_URL = infrastructure.settings.rabbitmqManagementUrl;
  globalThis.chargeflowTestInfrastructure = infrastructure;
}
