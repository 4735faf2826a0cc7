import { execFile } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');

interface LintMessage {
  ruleId: string | null;
  fatal: boolean;
  message: string;
}

/** The rules that keep layers apart. A fatal message (a file not linted or not parsed) fails every case. */
const LAYER_RULES = ['@nx/enforce-module-boundaries', 'no-restricted-imports', 'no-restricted-syntax'];

const sessionsDomain = 'apps/sessions/src/session/domain/leak.ts';
const libDomain = 'libs/runtime/src/domain/leak.ts';
const contracts = 'libs/contracts/src/leak.ts';
const sourceOf = (...lines: string[]) => [...lines, 'export const leak = 1;', ''].join('\n');

/** Each case: the file it is linted as, its source, and whether the layer rules must refuse it. */
const CASES: Record<string, { file: string; source: string; refused: boolean }> = {
  'an app importing another app': {
    file: 'apps/sessions/src/leak.ts',
    source: sourceOf("import { AppModule } from '../../telemetry/src/app.module';", 'export { AppModule };'),
    refused: true,
  },
  'contracts importing the workspace': {
    file: contracts,
    source: sourceOf("import { AmqpConnection } from '@chargeflow/messaging';", 'export { AmqpConnection };'),
    refused: true,
  },
  'an app importing the libs': {
    file: 'apps/sessions/src/fine.ts',
    source: sourceOf("import { Exchanges } from '@chargeflow/contracts';", 'export { Exchanges };'),
    refused: false,
  },
  'a domain importing Nest': { file: sessionsDomain, source: sourceOf("import '@nestjs/common';"), refused: true },
  'a domain importing the ORM': { file: sessionsDomain, source: sourceOf("import 'typeorm';"), refused: true },
  'a domain importing a driver': { file: sessionsDomain, source: sourceOf("import 'pg';"), refused: true },
  'a domain importing a broker client as a type': {
    file: sessionsDomain,
    source: sourceOf("import type { Channel } from 'amqplib';", 'export type { Channel };'),
    refused: true,
  },
  "a domain importing Node's I/O": { file: sessionsDomain, source: sourceOf("import 'node:fs';"), refused: true },
  'a domain importing an infrastructure lib': {
    file: sessionsDomain,
    source: sourceOf("import '@chargeflow/messaging';"),
    refused: true,
  },
  'a domain importing an adapter': {
    file: sessionsDomain,
    source: sourceOf("import '../infrastructure/typeorm-session.repository';"),
    refused: true,
  },
  'a domain importing a use case': {
    file: sessionsDomain,
    source: sourceOf("import './../start-ride/start-ride.handler';"),
    refused: true,
  },
  'a domain importing its parent folder': { file: sessionsDomain, source: sourceOf("import '..';"), refused: true },
  'a domain re-exporting a framework': {
    file: sessionsDomain,
    source: "export { Injectable } from '@nestjs/common';\n",
    refused: true,
  },
  'a domain importing by a dynamic import()': {
    file: sessionsDomain,
    source: sourceOf("export const load = () => import('typeorm');"),
    refused: true,
  },
  'a domain naming an import() type': {
    file: sessionsDomain,
    source: sourceOf("export type Source = import('typeorm').DataSource;"),
    refused: true,
  },
  'a domain loading through require': {
    file: sessionsDomain,
    source: sourceOf('const load = require;', "export const pg = load('pg');"),
    refused: true,
  },
  'a domain switching the rule off inline': {
    file: sessionsDomain,
    source: sourceOf('// eslint-disable-next-line no-restricted-imports', "import 'typeorm';"),
    refused: true,
  },
  'a domain folder inside a lib importing Nest': {
    file: libDomain,
    source: sourceOf("import '@nestjs/common';"),
    refused: true,
  },
  'a domain importing contracts, decimals, hashing and its own folder': {
    file: sessionsDomain,
    source: sourceOf(
      "import { DomainError } from '@chargeflow/contracts';",
      "import Decimal from 'decimal.js';",
      "import { createHash } from 'node:crypto';",
      "import { ENERGY_DECIMALS } from './energy';",
      'export { DomainError, Decimal, createHash, ENERGY_DECIMALS };',
    ),
    refused: false,
  },
  'contracts importing a framework they do not declare': {
    file: contracts,
    source: sourceOf("import { Injectable } from '@nestjs/common';", 'export { Injectable };'),
    refused: true,
  },
  'contracts importing by a dynamic import()': {
    file: contracts,
    source: sourceOf("export const load = () => import('@nestjs/common');"),
    refused: true,
  },
  'contracts importing their declared dependencies and their own files': {
    file: contracts,
    source: sourceOf(
      "import { IsUUID } from 'class-validator';",
      "import { Exchanges } from './exchanges';",
      'export { IsUUID, Exchanges };',
    ),
    refused: false,
  },
};

/** Lints every case in one ESLint process, with the repository's own configuration and project graph. */
function lintAll(): Promise<Record<string, LintMessage[]>> {
  const names = Object.keys(CASES);
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [join(root, 'tools', 'lint-sources.mjs')],
      { cwd: root, env: { ...process.env, NX_DAEMON: 'false' }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`linting the cases failed: ${stderr || error.message}`));
        const results = JSON.parse(stdout) as LintMessage[][];
        resolve(Object.fromEntries(names.map((name, index) => [name, results[index]])));
      },
    );
    child.stdin?.end(JSON.stringify(names.map((name) => CASES[name])));
  });
}

describe('layer rules (the lint npm test runs)', () => {
  jest.setTimeout(120_000);
  let results: Record<string, LintMessage[]>;

  beforeAll(async () => {
    results = await lintAll();
  });

  const fatal = (name: string) => results[name].filter((message) => message.fatal);
  const layerErrors = (name: string) => results[name].filter((message) => LAYER_RULES.includes(message.ruleId ?? ''));

  it.each(Object.entries(CASES).filter(([, { refused }]) => refused))('refuses %s', (name) => {
    expect(fatal(name)).toEqual([]);
    expect(layerErrors(name).length).toBeGreaterThan(0);
  });

  it.each(Object.entries(CASES).filter(([, { refused }]) => !refused))('lets through %s', (name) => {
    expect([...fatal(name), ...layerErrors(name)]).toEqual([]);
  });
});
