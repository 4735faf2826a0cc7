import { dockerEngineAnswers, ensureInfrastructure, infraSettings, type InfraSettings } from '@chargeflow/infra';

export interface TestInfrastructure {
  settings: InfraSettings;
  origin: 'configured' | 'testcontainers' | 'local';
  stop(): Promise<void>;
}

/**
 * A real broker and PostgreSQL for the test run: the servers named by RABBITMQ_URL and DATABASE_URL
 * when both are set; else containers when a Docker engine answers; else the local servers, started
 * by the same scripts `npm start` uses.
 */
export async function startTestInfrastructure(log: (line: string) => void): Promise<TestInfrastructure> {
  if (process.env.RABBITMQ_URL && process.env.DATABASE_URL) {
    return { settings: infraSettings(process.env), origin: 'configured', stop: async () => undefined };
  }
  if (await dockerEngineAnswers()) return startContainers(log);
  const settings = infraSettings(process.env);
  const running = await ensureInfrastructure(settings, log);
  return { settings, origin: 'local', stop: () => running.stop() };
}

async function startContainers(log: (line: string) => void): Promise<TestInfrastructure> {
  const { RabbitMQContainer } = await import('@testcontainers/rabbitmq');
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  log('test infrastructure: starting RabbitMQ and PostgreSQL containers');
  const [broker, database] = await Promise.all([
    new RabbitMQContainer('rabbitmq:3.13-management').start(),
    new PostgreSqlContainer('postgres:15').withUsername('postgres').withPassword('postgres').start(),
  ]);
  const host = broker.getHost();
  return {
    origin: 'testcontainers',
    settings: {
      rabbitmqUrl: broker.getAmqpUrl(),
      adminDatabaseUrl: database.getConnectionUri(),
      rabbitmqManagementUrl: `http://guest:guest@${host}:${broker.getMappedPort(15672)}`,
    },
    stop: async () => {
      await Promise.all([broker.stop(), database.stop()]);
    },
  };
}
