import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, run } from '@chargeflow/infra';

/**
 * Another commit of this repository, built into a folder of its own under the system's temporary
 * folder, so a benchmark can run its services beside today's: the files of `ref` (git archive), its
 * dependencies (this checkout's node_modules when the lock files are the same, otherwise `npm ci`), and
 * its services compiled by its own build. Kept between runs: a second run of the same commit reuses it.
 */
export async function checkoutOf(ref: string, log: (line: string) => void): Promise<{ root: string; commit: string }> {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const commit = git('rev-parse', '--verify', `${ref}^{commit}`);
  const root = join(tmpdir(), `chargeflow-${commit.slice(0, 12)}`);
  const built = join(root, 'dist', 'apps', 'sessions', 'src', 'main.js');
  if (existsSync(built)) {
    log(`${ref} (${commit.slice(0, 12)}): reusing its build in ${root}`);
    return { root, commit };
  }
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  log(`${ref} (${commit.slice(0, 12)}): extracting into ${root}`);
  execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C '${root}'`], { cwd: REPO_ROOT });
  const sameLock =
    readFileSync(join(root, 'package-lock.json'), 'utf8') ===
    readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8');
  if (sameLock) {
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  } else {
    log(`${ref}: its dependencies differ from this checkout's: npm ci`);
    const install = await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root });
    if (install.code !== 0) throw new Error(`npm ci for ${ref} failed:\n${install.output.slice(-2_000)}`);
  }
  const build = await run(
    process.execPath,
    ['-r', '@swc-node/register', '-e', "require('./infra/src/build').buildServices()"],
    { cwd: root },
  );
  if (build.code !== 0 || !existsSync(built)) throw new Error(`building ${ref} failed:\n${build.output.slice(-2_000)}`);
  log(`${ref}: built`);
  return { root, commit };
}
