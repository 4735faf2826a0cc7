import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { run } from '@chargeflow/infra';
import { freePort } from './stack-environment';

export interface OwnPostgres {
  /** A superuser URL for the database `postgres`; create what the test needs in it. */
  adminUrl: string;
  urlOf(database: string): string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its data directory. */
  remove(): Promise<void>;
}

const PASSWORD = 'own-postgres';

function serverBinaries(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((version) => join(root, version, 'bin')).find((bin) => existsSync(join(bin, 'pg_ctl')));
  if (!found) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  return found;
}

/**
 * A PostgreSQL server of the test's own, on a free port and a data directory of its own: a test that
 * must stop the database (an outage) stops this one, never the shared server. `settings` are server
 * settings given after the defaults (so `fsync: 'on'` overrides them).
 */
export async function startOwnPostgres(label: string, settings: Record<string, string> = {}): Promise<OwnPostgres> {
  const bin = serverBinaries();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `cf-pg-${label}-`));
  const asRoot = userInfo().uid === 0;
  // initdb refuses to run as root: the cluster belongs to the postgres user.
  const as = (command: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args);
  if (asRoot) {
    chmodSync(dir, 0o700);
    const { uid, gid } = await postgresIds();
    chownSync(dir, uid, gid);
  }
  const pwfile = join(dir, 'pw');
  const init = await as('bash', ['-c', `echo ${PASSWORD} > ${pwfile}`]);
  if (init.code !== 0) throw new Error(`own PostgreSQL: ${init.output}`);
  const data = join(dir, 'data');
  const initdb = await as(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    `--pwfile=${pwfile}`,
    '-E',
    'UTF8',
    '--locale=C',
    '--auth-host=scram-sha-256',
    '--auth-local=trust',
  ]);
  if (initdb.code !== 0) throw new Error(`own PostgreSQL initdb failed: ${initdb.output}`);
  const extra = Object.entries(settings).map(([name, value]) => ` -c ${name}=${value}`);
  const options = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories='' -c fsync=off -c max_connections=50${extra.join('')}`;
  const start = async () => {
    const started = await as(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
    if (started.code !== 0) throw new Error(`own PostgreSQL did not start: ${started.output}`);
  };
  const stop = async () => {
    await as(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
  };
  await start();
  const urlOf = (database: string) => `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return {
    adminUrl: urlOf('postgres'),
    urlOf,
    start,
    stop,
    remove: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  if (uid.code !== 0 || gid.code !== 0) throw new Error('own PostgreSQL needs a postgres user');
  return { uid: Number(uid.output.trim()), gid: Number(gid.output.trim()) };
}
