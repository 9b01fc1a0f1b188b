// Prints the hardening summary table at the end of `npm run test:hardening`: faults survived,
// messages acknowledged vs found, bad inputs tried, 500s seen (must be 0).
const { readdirSync, readFileSync, rmSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const DIR = join(__dirname, '..', '..', 'test-artifacts', 'hardening');

class HardeningSummaryReporter {
  onRunStart() {
    if (existsSync(DIR)) rmSync(DIR, { recursive: true, force: true });
  }

  onRunComplete(_contexts, results) {
    const rows = existsSync(DIR)
      ? readdirSync(DIR)
          .filter((f) => f.endsWith('.json'))
          .map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')))
          .sort((a, b) => a.scenario.localeCompare(b.scenario))
      : [];
    const sum = (k, where = () => true) => rows.filter(where).reduce((n, r) => n + (r[k] ?? 0), 0);
    // Acknowledged vs found only adds up the scenarios that checked storage (both figures set).
    const checked = (r) => r.messagesAcknowledged !== undefined && r.acknowledgedFound !== undefined;
    const cell = (v) => (v === undefined ? '' : String(v));
    const lines = [
      '',
      'Hardening summary',
      '| scenario | faults survived | acknowledged | found | bad inputs | 500s | notes |',
      '|---|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.scenario} | ${r.faultsInjected !== undefined ? `${cell(r.faultsSurvived)}/${cell(r.faultsInjected)}` : ''} | ${cell(r.messagesAcknowledged)} | ${cell(r.acknowledgedFound)} | ${cell(r.badInputsTried)} | ${cell(r.serverErrorsSeen)} | ${Object.entries(
            r.notes ?? {},
          )
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')} |`,
      ),
      `| **total** | ${sum('faultsSurvived')}/${sum('faultsInjected')} | ${sum('messagesAcknowledged', checked)} | ${sum('acknowledgedFound', checked)} | ${sum('badInputsTried')} | ${sum('serverErrorsSeen')} | |`,
      '',
      `${results.numPassedTests} passed, ${results.numFailedTests} failed`,
      '',
    ];
    process.stdout.write(lines.join('\n'));
  }
}

module.exports = HardeningSummaryReporter;
