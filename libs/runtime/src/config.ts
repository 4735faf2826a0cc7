import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync } from 'class-validator';

/** A configuration problem, told in one line that names the variable. */
export class ConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigurationError';
  }
}

/** What a configuration error may echo of a value: never a secret, never a URL's password. */
function shown(name: string, value: unknown): string {
  if (/KEY|SECRET|PASSWORD|TOKEN/.test(name)) return '<hidden>';
  if (typeof value === 'string' && /URLS?$/.test(name))
    return JSON.stringify(value.replace(/\/\/([^:/@]*):[^@]*@/g, '//$1:***@'));
  return JSON.stringify(value);
}

/**
 * Reads and validates a service's configuration from the environment. Properties of `schema` are the
 * variable names; their initializers are the local defaults. In production (NODE_ENV=production)
 * defaults are ignored for variables listed in `requiredInProduction`.
 */
export function loadConfig<T extends object>(
  schema: ClassConstructor<T>,
  env: NodeJS.ProcessEnv = process.env,
  requiredInProduction: (keyof T & string)[] = [],
): T {
  if (env.NODE_ENV === 'production') {
    const missing = requiredInProduction.find((name) => !env[name]);
    if (missing) throw new ConfigurationError(`${missing} is required (NODE_ENV=production has no defaults)`);
  }
  const defaults = new schema();
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(defaults)) {
    const raw = env[name];
    values[name] = raw === undefined || raw === '' ? (defaults as Record<string, unknown>)[name] : raw;
  }
  const config = plainToInstance(schema, values);
  const [error] = validateSync(config, { forbidUnknownValues: true });
  if (error) {
    const reason = Object.values(error.constraints ?? {})[0] ?? 'is invalid';
    throw new ConfigurationError(
      `${error.property} ${reason.replace(`${error.property} `, '')} (got ${shown(error.property, values[error.property])})`,
    );
  }
  return config;
}
