// ESLint: the recommended rules for TypeScript, applied to src, test and bench.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-output/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['public/js/**/*.js'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', setTimeout: 'readonly', localStorage: 'readonly' } },
  },
  {
    files: ['*.js', 'bench/**/*.js', 'deploy/**/*.js', 'scripts/**/*.js', 'test/helpers/*.js'],
    languageOptions: { globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly', console: 'readonly' } },
  },
);
