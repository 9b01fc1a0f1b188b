import { EnvReader } from './env-reader';
import { RuntimeSettings } from './runtime.settings';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface LoggingSettings {
  logLevel: (typeof LOG_LEVELS)[number];
  /** Human-readable lines instead of JSON (default: in development on a terminal). */
  logPretty: boolean;
}

export function loggingSettings(env: EnvReader, { nodeEnv }: RuntimeSettings): LoggingSettings {
  const logLevel = (env.raw('LOG_LEVEL') ?? (nodeEnv === 'test' ? 'warn' : 'info')).trim();
  if (!isLogLevel(logLevel)) env.fail(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const pretty = env.raw('LOG_PRETTY');
  return {
    logLevel: logLevel as LoggingSettings['logLevel'],
    logPretty: pretty ? pretty === 'true' : nodeEnv === 'development' && Boolean(process.stdout.isTTY),
  };
}

function isLogLevel(value: string): value is LoggingSettings['logLevel'] {
  return (LOG_LEVELS as readonly string[]).includes(value);
}
