import { execFile } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..');

interface LintResult {
  messages: { ruleId: string | null; message: string }[];
}

const LAYER_RULES = ['@nx/enforce-module-boundaries', 'no-restricted-imports'];

/** Lints `source` as if it were `file`, with the repository's own configuration and project graph. */
function boundaryErrors(file: string, source: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      join(root, 'node_modules', '.bin', 'eslint'),
      ['--stdin', '--stdin-filename', file, '--format', 'json'],
      { cwd: root, env: { ...process.env, NX_DAEMON: 'false' } },
      (error, stdout) => {
        try {
          const [result] = JSON.parse(stdout) as LintResult[];
          resolve(
            result.messages
              .filter((message) => LAYER_RULES.includes(message.ruleId ?? ''))
              .map((message) => message.message),
          );
        } catch {
          reject(error ?? new Error(`eslint printed no report: ${stdout}`));
        }
      },
    );
    child.stdin?.end(source);
  });
}

describe('module boundaries (the lint rule npm test runs)', () => {
  jest.setTimeout(60_000);

  it('fails when an app imports another app', async () => {
    const errors = await boundaryErrors(
      'apps/sessions/src/leak.ts',
      "import { AppModule } from '../../telemetry/src/app.module';\nexport { AppModule };\n",
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('fails when contracts import anything of the workspace', async () => {
    const errors = await boundaryErrors(
      'libs/contracts/src/leak.ts',
      "import { AmqpConnection } from '@chargeflow/messaging';\nexport { AmqpConnection };\n",
    );
    expect(errors.length).toBeGreaterThan(0);
  });

  it('lets an app import the libs', async () => {
    const errors = await boundaryErrors(
      'apps/sessions/src/fine.ts',
      "import { Exchanges } from '@chargeflow/contracts';\nexport { Exchanges };\n",
    );
    expect(errors).toEqual([]);
  });

  describe('a domain folder holds plain rules', () => {
    const domainFile = 'apps/sessions/src/session/domain/leak.ts';

    it.each([
      ["import { Injectable } from '@nestjs/common';", 'a Nest import'],
      ["import { DataSource } from 'typeorm';", 'an ORM import'],
      ["import { Pool } from 'pg';", 'a database driver'],
      ["import type { Channel } from 'amqplib';", 'a broker client, even as a type'],
      ["import { OutboxWriter } from '@chargeflow/messaging';", 'an infrastructure lib'],
      ["import { SessionRepository } from '../infrastructure/session.repository';", 'an adapter'],
      ["import { StartRideHandler } from '../start-ride/start-ride.handler';", 'a use case'],
    ])('fails on %s (%s)', async (line) => {
      const errors = await boundaryErrors(domainFile, `${line}\nexport const leak = 1;\n`);
      expect(errors.length).toBeGreaterThan(0);
    });

    it('lets it import contracts, decimals, Node and its own folder', async () => {
      const source = [
        "import { DomainError } from '@chargeflow/contracts';",
        "import Decimal from 'decimal.js';",
        "import { createHash } from 'node:crypto';",
        "import { Energy } from './energy';",
        'export { DomainError, Decimal, createHash, Energy };',
        '',
      ].join('\n');
      expect(await boundaryErrors(domainFile, source)).toEqual([]);
    });
  });

  describe('libs/contracts depends only on what its package.json declares', () => {
    it('fails on a framework it does not declare', async () => {
      const errors = await boundaryErrors(
        'libs/contracts/src/leak.ts',
        "import { Injectable } from '@nestjs/common';\nexport { Injectable };\n",
      );
      expect(errors.length).toBeGreaterThan(0);
    });

    it('lets it import its declared dependencies and its own files', async () => {
      const source =
        "import { IsUUID } from 'class-validator';\nimport { Exchanges } from './exchanges';\nexport { IsUUID, Exchanges };\n";
      expect(await boundaryErrors('libs/contracts/src/fine.ts', source)).toEqual([]);
    });
  });
});
