import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { EnvReader } from './env-reader';

export type NodeEnv = 'development' | 'production' | 'test';

/** What the whole process is: environment, data folder, identity in a cluster, shutdown budget. */
export interface RuntimeSettings {
  nodeEnv: NodeEnv;
  /** Where the embedded database and the development JWT secret are kept. */
  dataDir: string;
  /** This instance's name in a cluster (logs, Redis); random unless INSTANCE_ID says. */
  instanceId: string;
  shutdownTimeoutMs: number;
}

export function runtimeSettings(env: EnvReader): RuntimeSettings {
  const nodeEnv = (env.raw('NODE_ENV') ?? 'development').trim();
  return {
    nodeEnv: nodeEnv === 'production' || nodeEnv === 'test' ? nodeEnv : 'development',
    dataDir: resolve(env.raw('DATA_DIR') ?? 'data'),
    instanceId: env.text('INSTANCE_ID') ?? randomBytes(6).toString('hex'),
    shutdownTimeoutMs: env.int('SHUTDOWN_TIMEOUT_MS', 10000, 100, 600_000),
  };
}
