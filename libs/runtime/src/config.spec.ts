import { IsUrl } from 'class-validator';
import { BaseServiceConfig, POSTGRES_URL } from './base-config';
import { ConfigurationError, loadConfig } from './config';

class ExampleConfig extends BaseServiceConfig {
  @IsUrl(POSTGRES_URL)
  EXAMPLE_DATABASE_URL = 'postgres://example:example@127.0.0.1:5432/example';
}

describe('loadConfig', () => {
  it('takes the local defaults when nothing is set', () => {
    const config = loadConfig(ExampleConfig, {});
    expect(config.RABBITMQ_URL).toBe('amqp://guest:guest@127.0.0.1:5672');
    expect(config.EXAMPLE_DATABASE_URL).toBe('postgres://example:example@127.0.0.1:5432/example');
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('takes values from the environment', () => {
    const config = loadConfig(ExampleConfig, { RABBITMQ_URL: 'amqps://u:p@broker.internal:5671', LOG_LEVEL: 'debug' });
    expect(config.RABBITMQ_URL).toBe('amqps://u:p@broker.internal:5671');
    expect(config.LOG_LEVEL).toBe('debug');
  });

  it('names the invalid variable in one line', () => {
    expect(() => loadConfig(ExampleConfig, { EXAMPLE_DATABASE_URL: 'mysql://nope' })).toThrow(ConfigurationError);
    expect(() => loadConfig(ExampleConfig, { EXAMPLE_DATABASE_URL: 'mysql://nope' })).toThrow(
      /^EXAMPLE_DATABASE_URL .*mysql:\/\/nope/,
    );
    expect(() => loadConfig(ExampleConfig, { LOG_LEVEL: 'loud' })).toThrow(/^LOG_LEVEL /);
  });

  it('never echoes a password of a URL it refuses', () => {
    expect(() =>
      loadConfig(ExampleConfig, { EXAMPLE_DATABASE_URL: 'postgres://app:p#ss@db.internal:5432/app' }),
    ).toThrow(/postgres:\/\/app:\*\*\*@/);
    expect(() =>
      loadConfig(ExampleConfig, { EXAMPLE_DATABASE_URL: 'postgres://app:p#ss@db.internal:5432/app' }),
    ).not.toThrow(/p#ss/);
  });

  it('has no defaults in production for the variables that must be configured', () => {
    expect(() => loadConfig(ExampleConfig, { NODE_ENV: 'production' }, ['EXAMPLE_DATABASE_URL'])).toThrow(
      'EXAMPLE_DATABASE_URL is required (NODE_ENV=production has no defaults)',
    );
  });

  it('gives every service a statement timeout of 4 s, between 100 ms and 10 min, named when wrong', () => {
    expect(loadConfig(ExampleConfig, {}).DATABASE_STATEMENT_TIMEOUT_MS).toBe(4_000);
    expect(loadConfig(ExampleConfig, { DATABASE_STATEMENT_TIMEOUT_MS: '250' }).DATABASE_STATEMENT_TIMEOUT_MS).toBe(250);
    for (const wrong of ['50', '600001', 'soon'])
      expect(() => loadConfig(ExampleConfig, { DATABASE_STATEMENT_TIMEOUT_MS: wrong })).toThrow(
        /^DATABASE_STATEMENT_TIMEOUT_MS /,
      );
  });

  it('reads RABBITMQ_URLS as every node of a cluster, and names it when one of them is not an AMQP URL', () => {
    expect(loadConfig(ExampleConfig, {}).RABBITMQ_URLS).toEqual([]);
    expect(
      loadConfig(ExampleConfig, { RABBITMQ_URLS: 'amqp://u:p@10.0.0.1:5672/v, amqps://u:p@10.0.0.2:5671/v' })
        .RABBITMQ_URLS,
    ).toEqual(['amqp://u:p@10.0.0.1:5672/v', 'amqps://u:p@10.0.0.2:5671/v']);
    const wrong = () => loadConfig(ExampleConfig, { RABBITMQ_URLS: 'amqp://u:s3cret@a:5672,http://u:s3cret@b:80' });
    expect(wrong).toThrow(/^RABBITMQ_URLS /);
    expect(wrong).not.toThrow(/s3cret/);
  });
});
