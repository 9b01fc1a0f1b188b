import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a hardening spec reports; the summary reporter adds them up into one table. */
export interface HardeningFigures {
  faultsInjected?: number;
  faultsSurvived?: number;
  messagesAcknowledged?: number;
  acknowledgedFound?: number;
  badInputsTried?: number;
  serverErrorsSeen?: number;
  /** Free-form figures worth printing (e.g. RSS before/after, event-loop lag p99). */
  notes?: Record<string, string | number>;
}

export const SUMMARY_DIR = join(__dirname, '..', '..', 'test-artifacts', 'hardening');

/** Records the figures of one scenario (call once per scenario, e.g. in the test body). */
export function recordHardening(scenario: string, figures: HardeningFigures): void {
  mkdirSync(SUMMARY_DIR, { recursive: true });
  const file = join(SUMMARY_DIR, `${scenario.replace(/[^A-Za-z0-9_-]+/g, '_')}.json`);
  writeFileSync(file, JSON.stringify({ scenario, ...figures }, null, 2));
}
