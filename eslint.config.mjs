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
