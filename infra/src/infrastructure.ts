import { answers, run } from './process';
import { hostAndPort, type InfraSettings } from './settings';

export type InfrastructureOrigin = 'existing' | 'docker' | 'local';

export interface RunningInfrastructure {
  origin: InfrastructureOrigin;
  /** Stops what this call started; servers that were already running are left alone. */
  stop(): Promise<void>;
}

/** Neither a running server, a Docker engine nor the local packages: says what to install. */
export class InfrastructureMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InfrastructureMissingError';
  }
}

async function serversAnswer(settings: InfraSettings): Promise<boolean> {
  const broker = hostAndPort(settings.rabbitmqUrl, 5672);
  const database = hostAndPort(settings.adminDatabaseUrl, 5432);
  const [brokerUp, databaseUp] = await Promise.all([
    answers(broker.host, broker.port),
    answers(database.host, database.port),
  ]);
  return brokerUp && databaseUp;
}

export async function dockerEngineAnswers(): Promise<boolean> {
  const result = await run('docker', ['info', '--format', '{{.ServerVersion}}']);
  return result.code === 0 && result.output.trim().length > 0;
}

/** The environment the local scripts read, derived from the configured URLs. */
function localScriptEnv(settings: InfraSettings): NodeJS.ProcessEnv {
  const admin = new URL(settings.adminDatabaseUrl);
  return {
    ...process.env,
    RABBITMQ_URL: settings.rabbitmqUrl,
    PGHOST: admin.hostname,
    PGPORT: admin.port || '5432',
    POSTGRES_ADMIN_USER: decodeURIComponent(admin.username || 'postgres'),
    POSTGRES_ADMIN_PASSWORD: decodeURIComponent(admin.password || 'postgres'),
  };
}

/**
 * Makes sure a broker and a PostgreSQL server answer at the configured URLs: reuses running servers,
 * else starts them with Docker when an engine answers, else with the local scripts (which install
 * the Debian packages when missing).
 */
export async function ensureInfrastructure(
  settings: InfraSettings,
  log: (line: string) => void,
): Promise<RunningInfrastructure> {
  if (await serversAnswer(settings)) {
    log('infrastructure: reusing the broker and database already running');
    return { origin: 'existing', stop: async () => undefined };
  }
  if (await dockerEngineAnswers()) {
    log('infrastructure: starting RabbitMQ and PostgreSQL with docker compose');
    const up = await run('docker', ['compose', 'up', '--detach', '--wait', 'rabbitmq', 'postgres'], { echo: true });
    if (up.code !== 0) throw new InfrastructureMissingError(`docker compose failed:\n${up.output}`);
    return {
      origin: 'docker',
      stop: async () => void (await run('docker', ['compose', 'stop', 'rabbitmq', 'postgres'])),
    };
  }
  const env = localScriptEnv(settings);
  const up = await run('bash', ['infra/local/up.sh'], { env, echo: true });
  if (up.code === 2)
    throw new InfrastructureMissingError(up.output.trim().split('\n').pop() ?? 'infrastructure missing');
  if (up.code !== 0) throw new Error(`infra/local/up.sh failed with exit code ${up.code}`);
  return {
    origin: 'local',
    stop: async () => {
      const down = await run('bash', ['infra/local/down.sh'], { env, echo: true });
      if (down.code !== 0) log(`infra/local/down.sh exited with ${down.code}`);
    },
  };
}
