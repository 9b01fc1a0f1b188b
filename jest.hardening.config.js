// `npm run test:hardening`: faults, load, fuzzing and attacks against the real server, bounded in
// time, loopback only, one file at a time (faults must not disturb each other), with a summary table.
const base = require('./jest.config.js');
const e2e = base.projects.find((p) => p.displayName === 'e2e');

module.exports = {
  ...e2e,
  displayName: 'hardening',
  testMatch: ['<rootDir>/test/hardening/**/*.hardening-spec.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 180000,
  maxWorkers: 1,
  // No forceExit: every scenario closes what it opened (servers, clients, proxies), so the run ends
  // by itself; a run that does not end is a leak to find (see docs/RELIABILITY.md, "Open handles").
  reporters: ['default', '<rootDir>/test/hardening/summary-reporter.js'],
};
