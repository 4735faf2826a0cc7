import { join } from 'node:path';
import { DIST } from './build';
import { run } from './process';

/**
 * `npm start`'s topology step: the built `declare-topology.main.js` in a process of its own declares
 * the exchanges and every fact queue on the broker at `rabbitmqUrl`, before any service starts.
 */
export async function runTopologyStep(rabbitmqUrl: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const topology = await run(process.execPath, [join(DIST, 'libs', 'messaging', 'src', 'declare-topology.main.js')], {
    env: { ...env, RABBITMQ_URL: rabbitmqUrl },
  });
  if (topology.code !== 0) throw new Error(topology.output.trim());
}
