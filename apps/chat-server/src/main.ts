import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { ConfigError, loadSettings } from './config/app-config';
import { createApp } from './bootstrap';
import { armShutdownDeadline } from './lifecycle/shutdown.service';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let settings;
  try {
    settings = loadSettings(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const app = await createApp(settings);
  const timeoutMs = settings.shutdownTimeoutMs;
  armShutdownDeadline(timeoutMs, (signal) => {
    new Logger('Shutdown').error(
      `Graceful shutdown after ${signal} exceeded ${timeoutMs} ms: exiting with 1`,
    );
    process.exit(1);
  });
  await app.listen(settings.port, settings.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : settings.port;
  new Logger('Server').log({
    msg: `Listening on ${settings.host}:${port}`,
    port,
    instance: settings.instanceId,
  });
}

main().catch((err) => {
  console.error('Startup failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
