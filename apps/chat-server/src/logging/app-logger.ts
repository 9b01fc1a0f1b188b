import { Logger, PinoLogger } from 'nestjs-pino';
import type { Logger as Pino } from 'pino';
import { AppSettings } from '../config/app-config';
import { loggerOptions } from './logger-options';

/** Nest's bootstrap chatter: one line per module and per route, useful when debugging only. */
const DEBUG_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);
const MAPPING = /^Mapped /;

/**
 * The Nest logger of the app: nestjs-pino's JSON logger over the one root pino logger, given to
 * NestFactory from the start so that even bootstrap failures are JSON lines. Module and route
 * mapping lines (`InstanceLoader`, `RoutesResolver`, `RouterExplorer`, "Mapped ..." from any
 * context) are written at debug level instead of info.
 */
export class AppLogger extends Logger {
  override log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams[optionalParams.length - 1];
    if (
      (typeof context === 'string' && DEBUG_CONTEXTS.has(context)) ||
      (typeof message === 'string' && MAPPING.test(message))
    ) {
      this.debug(message, ...optionalParams);
      return;
    }
    super.log(message, ...optionalParams);
  }

  /**
   * Nest's `ExceptionHandler` logs a failed bootstrap with its whole stack before rethrowing it;
   * main.ts reports that failure itself, once, as one line (with the stack only for errors that
   * are not a driver's or the system's refusal), so the handler's copy is dropped.
   */
  override error(message: unknown, ...optionalParams: unknown[]): void {
    if (optionalParams[optionalParams.length - 1] === 'ExceptionHandler') return;
    super.error(message, ...optionalParams);
  }
}

/** The app's Nest logger for these settings (the root pino logger is made on first use). */
export function createAppLogger(settings: AppSettings): AppLogger {
  const params = loggerOptions(settings);
  return new AppLogger(new PinoLogger(params), params);
}

/** The root pino logger (after createAppLogger), for the few lines main.ts writes itself. */
export function rootLogger(): Pino {
  const root = PinoLogger.root as Pino | undefined;
  if (!root) throw new Error('createAppLogger() must run first');
  return root;
}

/** The database a setting points at, without its password: for startup and failure lines. */
export function describeDatabase(db: AppSettings['database']): string {
  if (db.kind === 'sqlite') return `sqlite:${db.path}`;
  try {
    const url = new URL(db.url);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'mysql (unparsable URL)';
  }
}
