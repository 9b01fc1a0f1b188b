import helmet from '@fastify/helmet';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppSettings } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { setupApiDocs } from './api-docs';

/**
 * Content-Security-Policy for the app's own web page and the Swagger UI: same-origin scripts only,
 * inline styles (Swagger UI has a <style> block), STOMP over ws:/wss: and SockJS XHR to 'self'.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'", 'ws:', 'wss:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};

/** Security headers, HTTP metrics and the API docs (called by createApp, before routes are mapped). */
export async function configureHttp(app: NestFastifyApplication, settings: AppSettings): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    // Same-origin scripts are fine; the docs and web page need no cross-origin embedding rules.
    crossOriginEmbedderPolicy: false,
    hsts: settings.nodeEnv === 'production' ? undefined : false,
  });
  app.get(MetricsService).instrumentHttp(app.getHttpAdapter().getInstance());
  setupApiDocs(app);
}
