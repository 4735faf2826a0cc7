import { PoisonMessageError } from './poison-message.error';
import { retryTransient } from './transient-retry';

const options = (overrides: Partial<Parameters<typeof retryTransient>[1]> = {}) => ({
  attempts: 4,
  baseDelayMs: 1,
  stopping: () => false,
  onRetry: () => undefined,
  ...overrides,
});

describe('retryTransient', () => {
  it('runs the work again after a transient failure until it succeeds', async () => {
    let calls = 0;
    await retryTransient(async () => {
      calls += 1;
      if (calls < 3) throw new Error('database restarting');
    }, options());
    expect(calls).toBe(3);
  });

  it('gives up after the attempts with the last error', async () => {
    let calls = 0;
    const failing = retryTransient(
      async () => {
        calls += 1;
        throw new Error(`failure ${calls}`);
      },
      options({ attempts: 3 }),
    );
    await expect(failing).rejects.toThrow('failure 3');
  });

  it('never retries a poison message', async () => {
    let calls = 0;
    const poison = retryTransient(async () => {
      calls += 1;
      throw new PoisonMessageError('INVALID_PAYLOAD', 'bad');
    }, options());
    await expect(poison).rejects.toBeInstanceOf(PoisonMessageError);
    expect(calls).toBe(1);
  });

  it('hands the message back at once when the consumer is stopping', async () => {
    let calls = 0;
    const stopping = retryTransient(
      async () => {
        calls += 1;
        throw new Error('down');
      },
      options({ stopping: () => true }),
    );
    await expect(stopping).rejects.toThrow('down');
    expect(calls).toBe(1);
  });
});
