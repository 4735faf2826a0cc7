import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { transformFileSync, type Options } from '@swc/core';
import { REPO_ROOT } from './process';

export const DIST = join(REPO_ROOT, 'dist');

const SOURCE_ROOTS = ['apps', 'libs', 'infra/src'];
const WORKSPACE_LIBS = ['contracts', 'messaging', 'runtime', 'testing'];
/** Tests and what only tests use (fixture builders, in-memory fakes): never shipped in dist/. */
const TEST_ONLY = /\.(spec|int-spec|e2e-spec|test-builders|fake)\.ts$/;

function sources(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' || entry === 'test' ? [] : sources(path);
    return path.endsWith('.ts') && !TEST_ONLY.test(path) ? [path] : [];
  });
}

/**
 * Transpiles the services and libs to plain JavaScript in dist/ (same tree), so services run without
 * a TypeScript loader: faster start, a smaller footprint. Type checking is `npm run typecheck`.
 * The workspace libs resolve from dist/node_modules to their compiled sources.
 */
export function buildServices(): { files: number; ms: number } {
  const started = Date.now();
  rmSync(DIST, { recursive: true, force: true });
  const files = SOURCE_ROOTS.flatMap((root) => sources(join(REPO_ROOT, root)));
  for (const file of files) buildFile(file);
  for (const lib of [
    ...WORKSPACE_LIBS.map((name) => ({ name, path: `libs/${name}` })),
    { name: 'infra', path: 'infra' },
  ]) {
    const home = join(DIST, 'node_modules', '@chargeflow', lib.name);
    mkdirSync(home, { recursive: true });
    writeFileSync(
      join(home, 'package.json'),
      JSON.stringify({
        name: `@chargeflow/${lib.name}`,
        main: relative(home, join(DIST, lib.path, 'src', 'index.js')),
      }),
    );
  }
  return { files: files.length, ms: Date.now() - started };
}

/**
 * One TypeScript file of the repository (absolute path) to dist/ as buildServices() transpiles the
 * services; returns the JavaScript's path. For what the build leaves out but must run as built, such
 * as a bench worker beside the code it drives.
 */
export function buildFile(file: string): string {
  const options = JSON.parse(readFileSync(join(REPO_ROOT, '.swcrc'), 'utf8')) as Options;
  const target = join(DIST, relative(REPO_ROOT, file)).replace(/\.ts$/, '.js');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, transformFileSync(file, { ...options, swcrc: false, sourceMaps: false, filename: file }).code);
  return target;
}

if (require.main === module) {
  const { files, ms } = buildServices();
  console.log(`build: ${files} files to dist/ in ${ms} ms`);
}
