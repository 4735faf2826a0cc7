import { join, relative } from 'node:path';
import * as ts from 'typescript';

const ROOT = join(__dirname, '../../../..');
const HERE = relative(ROOT, __dirname);

const IMPORTS = `
import { DomainError, rpcErrorOf, type RpcError } from '@chargeflow/contracts';
import { ApiProblems } from '../openapi/api-problems.decorator';
import { ProblemException } from './problem';
`;

/** The uses below with codes of the catalogue: they compile, so each failure below is its code's. */
const KNOWN_CODES = `${IMPORTS}
export class LostSessionError extends DomainError {
  readonly code = 'SESSION_NOT_FOUND';
}
export const reply: RpcError = rpcErrorOf('SESSION_NOT_FOUND', 'no session s-1');
export const problem = new ProblemException('API_KEY_NOT_FOUND', 'no API key k-1');
export const documented = ApiProblems({ code: 'SESSION_NOT_FOUND', detail: 'no session s-1' });
`;

/** Each use, and what the compiler says of it. */
const UNKNOWN_CODES: Record<string, { use: string; error: RegExp }> = {
  'a domain error class': {
    use: `export class LostSessionError extends DomainError {
      readonly code = 'SESSION_LOST';
    }`,
    error: /Type '"SESSION_LOST"' is not assignable to type 'RpcErrorCode'/,
  },
  'a domain error class with a code only the gateway answers': {
    use: `export class TooFastError extends DomainError {
      readonly code = 'RATE_LIMITED';
    }`,
    error: /Type '"RATE_LIMITED"' is not assignable to type 'RpcErrorCode'/,
  },
  'an RPC error': {
    use: `export const reply: RpcError = { kind: 'NOT_FOUND', code: 'SESSION_LOST', message: 'lost' };`,
    error: /Type '"SESSION_LOST"' is not assignable to type 'RpcErrorCode'/,
  },
  'an RPC error built from its code': {
    use: `export const reply = rpcErrorOf('SESSION_LOST', 'lost');`,
    error: /Argument of type '"SESSION_LOST"' is not assignable/,
  },
  'a gateway problem': {
    use: `export const problem = new ProblemException('NOT_A_REAL_CODE', 'lost');`,
    error: /Argument of type '"NOT_A_REAL_CODE"' is not assignable/,
  },
  'a documented problem': {
    use: `export const documented = ApiProblems({ code: 'SESSION_LOST', detail: 'lost' });`,
    error: /Type '"SESSION_LOST"' is not assignable/,
  },
  'a documented problem that states its own status': {
    use: `export const documented = ApiProblems({ code: 'SESSION_NOT_FOUND', status: 409, detail: 'no session s-1' });`,
    error: /Type 'number' is not assignable to type 'undefined'/,
  },
};

/** Type-checks each source as a file of this folder, with the repo's tsconfig; returns each one's errors. */
function typeErrorsOf(sources: Record<string, string>): Record<string, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(
    join(ROOT, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('tsconfig.json could not be read');
  const files = new Map(
    Object.entries(sources).map(([name, source], index) => [join(ROOT, HERE, `snippet-${index}.ts`), { name, source }]),
  );
  const host = ts.createCompilerHost(config.options);
  const { getSourceFile, fileExists } = host;
  host.fileExists = (fileName) => files.has(fileName) || fileExists(fileName);
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    const snippet = files.get(fileName);
    return snippet
      ? ts.createSourceFile(fileName, snippet.source, languageVersion)
      : getSourceFile(fileName, languageVersion, ...rest);
  };
  const program = ts.createProgram([...files.keys()], config.options, host);
  return Object.fromEntries(
    [...files].map(([fileName, { name }]) => [
      name,
      ts
        .getPreEmitDiagnostics(program, program.getSourceFile(fileName))
        .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')),
    ]),
  );
}

describe('an error code outside the catalogue', () => {
  let errors: Record<string, string[]>;

  beforeAll(() => {
    errors = typeErrorsOf({
      'known codes': KNOWN_CODES,
      ...Object.fromEntries(Object.entries(UNKNOWN_CODES).map(([name, { use }]) => [name, `${IMPORTS}\n${use}\n`])),
    });
  }, 60_000);

  it('is not what fails: the same uses with catalogue codes type-check', () => {
    expect(errors['known codes']).toEqual([]);
  });

  it.each(Object.keys(UNKNOWN_CODES))('fails the type check of npm test, used in %s', (name) => {
    expect(errors[name]).toEqual([expect.stringMatching(UNKNOWN_CODES[name].error)]);
  });
});
