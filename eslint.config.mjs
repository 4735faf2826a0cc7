import { readFileSync } from 'node:fs';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const productionConstraints = [
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
  { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:lib', 'type:contracts'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:tooling', 'type:contracts'] },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:testing', 'type:tooling', 'type:lib', 'type:contracts'] },
  { sourceTag: 'type:bench', onlyDependOnLibsWithTags: ['type:testing', 'type:tooling', 'type:lib', 'type:contracts'] },
];

/** Tests of a project may also use the test infrastructure; production code may not. */
const testConstraints = productionConstraints.map((constraint) =>
  constraint.sourceTag === 'type:contracts' || constraint.sourceTag === 'type:testing'
    ? constraint
    : {
        ...constraint,
        onlyDependOnLibsWithTags: [
          ...new Set([...constraint.onlyDependOnLibsWithTags, 'type:testing', 'type:tooling']),
        ],
      },
);

/** A package name as a regular expression that matches it literally. */
const escape = (name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * What a domain folder may import: the contracts, exact decimals, hashing, and files of its own folder
 * (domain folders are flat). Frameworks, drivers, the infrastructure libs, Node's I/O, adapters and
 * use cases are refused, since the allow-list names none of them.
 */
const domainImports = ['@chargeflow/contracts', 'decimal.js', 'node:crypto'];
const domainLayer = {
  patterns: [
    {
      regex: `^(?!\\./(?!\\.)[^/]+$|(${domainImports.map(escape).join('|')})$)`,
      message: `domain/ holds plain rules: it imports only ${domainImports.join(', ')} and files of its own folder.`,
    },
  ],
};

/** Ways around an import declaration, refused where imports are restricted. */
const hiddenImports = [
  {
    selector: 'ImportExpression',
    message: 'no dynamic import() here: imports are declared, so the lint can check them.',
  },
  { selector: 'TSImportType', message: "no import('…') types here: import the type by a declaration." },
  { selector: 'TSExternalModuleReference', message: 'no import = require() here: use an import declaration.' },
  {
    selector: 'Identifier[name=/^(require|createRequire)$/]',
    message: 'no require() here: use an import declaration.',
  },
];

/** libs/contracts may import only what its package.json declares (and Node's own modules). */
const contractsDependencies = Object.keys(
  JSON.parse(readFileSync(new URL('./libs/contracts/package.json', import.meta.url), 'utf8')).dependencies ?? {},
);
const contractsLayer = {
  patterns: [
    {
      regex: `^(?!\\.{1,2}/|node:|(${contractsDependencies.map(escape).join('|')})(/|$))`,
      message: `libs/contracts depends only on what its package.json declares: ${contractsDependencies.join(', ')}.`,
    },
  ],
};

const boundaries = (depConstraints) => ({ enforceBuildableLibDependency: false, allow: [], depConstraints });

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '.data/**', '.nx/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries(productionConstraints)],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/no-unsafe-function-type': 'off',
      'no-console': 'error',
    },
  },
  {
    files: ['{apps,libs}/*/src/**/domain/**/*.ts'],
    linterOptions: { noInlineConfig: true },
    rules: { 'no-restricted-imports': ['error', domainLayer], 'no-restricted-syntax': ['error', ...hiddenImports] },
  },
  {
    files: ['libs/contracts/src/**/*.ts'],
    linterOptions: { noInlineConfig: true },
    rules: { 'no-restricted-imports': ['error', contractsLayer], 'no-restricted-syntax': ['error', ...hiddenImports] },
  },
  {
    // A mixin base must take `...args: any[]` (TypeScript's rule), and contracts take no inline disables.
    files: ['libs/contracts/src/common/create-command.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'apps/*/test/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries(testConstraints)] },
  },
  {
    files: [
      'infra/src/**/*.ts',
      'tools/**/*.ts',
      'bench/**/*.ts',
      'examples/**/*.ts',
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
    ],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
