import { EnvReader } from './env-reader';
import { HttpSettings } from './http.settings';
import { RuntimeSettings } from './runtime.settings';

/**
 * Where `/metrics` is served: on the HTTP port, on a port of its own (METRICS_PORT, for a network
 * only the scraper reaches), or nowhere (production without METRICS_TOKEN or METRICS_PORT: the
 * series say too much about the instance to be public).
 */
export type MetricsExposure = 'http-port' | 'own-port' | 'off';

/** The operator's surfaces: metrics and the API documentation. */
export interface OpsSettings {
  metrics: {
    /** Bearer token `/metrics` asks for (on either port); open when unset, outside production. */
    token?: string;
    exposure: MetricsExposure;
    /** METRICS_PORT / METRICS_HOST (default HOST) when exposure is 'own-port'. */
    port?: number;
    host: string;
  };
  /** Serve the OpenAPI document and UI at /api/docs (default: outside production only). */
  apiDocs: boolean;
}

export function opsSettings(
  env: EnvReader,
  { nodeEnv }: RuntimeSettings,
  { host }: HttpSettings,
): OpsSettings {
  const token = env.text('METRICS_TOKEN');
  const port = env.text('METRICS_PORT') === undefined ? undefined : env.int('METRICS_PORT', 0, 0, 65535);
  const exposure: MetricsExposure =
    port !== undefined ? 'own-port' : token || nodeEnv !== 'production' ? 'http-port' : 'off';
  return {
    metrics: { token, exposure, port, host: env.text('METRICS_HOST') ?? host },
    apiDocs: env.bool('API_DOCS', nodeEnv !== 'production'),
  };
}
