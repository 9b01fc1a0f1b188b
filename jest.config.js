// Two projects: fast unit specs beside the code, and e2e specs in test/ that boot the real
// server on a free port (SQLite by default, MariaDB when TEST_DATABASE_URL is set).
// TypeScript is compiled per file by ts-jest (transpile only: `npm run typecheck` checks types),
// with decorator metadata for Nest's dependency injection.
const tsJest = [
  'ts-jest',
  {
    tsconfig: {
      isolatedModules: true,
      target: 'es2022',
      module: 'commonjs',
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      useDefineForClassFields: false,
      esModuleInterop: true,
      sourceMap: true,
    },
  },
];
// Nest 12 ships as ES modules; Node runs them through require(esm), but Jest's module system
// needs them compiled to CommonJS, so those packages are transformed too (cached).
const common = {
  moduleFileExtensions: ['js', 'mjs', 'json', 'ts'],
  transform: { '^.+\\.ts$': tsJest, '^.+\\.m?js$': '<rootDir>/test/esm-transformer.js' },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|@standard-schema|es-toolkit|content-disposition|range-parser)/)'],
  moduleNameMapper: { '^@app/stomp(|/.*)$': '<rootDir>/libs/stomp/src$1' },
  testEnvironment: 'node',
};
// The browser specs (test/browser) drive Debian's chromium through playwright-core (no browser
// download). Without it they are not collected at all, with the reason printed, so a laptop
// without Chromium still passes `npm test`; CI (.ci/run installs it) must run them, so there a
// missing Chromium is an error, not a quiet skip.
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const browserSpecs = [];
if (!require('fs').existsSync(chromiumPath)) {
  const why = `they need Chromium at ${chromiumPath}, which is missing (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI === 'true') throw new Error(`CI must run the browser specs (test/browser), and ${why}`);
  console.warn(`Not running the browser specs (test/browser): ${why}`);
  browserSpecs.push('<rootDir>/test/browser/');
}
module.exports = {
  projects: [
    { ...common, displayName: 'unit', rootDir: __dirname, testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      rootDir: __dirname,
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/hardening/', ...browserSpecs],
      slowTestThreshold: 30,
    },
  ],
  testTimeout: 60000,
  // e2e files mostly wait on sockets and the database: two workers keep both cores busy.
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/test/summary-line-reporter.js'],
};
