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

/** What a domain folder may not import: frameworks, drivers, the workspace's infrastructure libs, any adapter. */
const domainLayer = {
  patterns: [
    {
      group: [
        '@nestjs/*',
        'typeorm',
        'typeorm/*',
        'pg',
        'pg/*',
        'amqplib',
        'amqplib/*',
        'fastify',
        '@fastify/*',
        'class-validator',
        'class-transformer',
        'rxjs',
        'pino',
        'prom-client',
        '@chargeflow/messaging',
        '@chargeflow/runtime',
        '@chargeflow/testing',
        '@chargeflow/infra',
      ],
      message: 'domain/ holds plain rules: it imports no framework, driver or infrastructure library.',
    },
    {
      group: ['**/infrastructure', '**/infrastructure/**', '../*'],
      message: 'domain/ imports only domain/: adapters and use cases depend on it, never the other way round.',
    },
  ],
};

/** libs/contracts may import only what its package.json declares (and Node's own modules). */
const contractsDependencies = Object.keys(
  JSON.parse(readFileSync(new URL('./libs/contracts/package.json', import.meta.url), 'utf8')).dependencies ?? {},
);
const escape = (name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
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
    files: ['apps/*/src/**/domain/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', domainLayer] },
  },
  {
    files: ['libs/contracts/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', contractsLayer] },
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
