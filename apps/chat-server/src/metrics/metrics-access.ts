import { Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { bearerToken } from '../auth/jwt-auth.guard';
import { AppConfig } from '../config/app-config';
import { MetricsExposure } from '../config/ops.settings';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Who may read `/metrics`, and where it is served (docs/OPERATIONS.md, "Metrics"). */
@Injectable()
export class MetricsAccess {
  readonly exposure: MetricsExposure;
  private readonly expected?: Buffer;

  constructor(config: AppConfig) {
    const { token, exposure } = config.settings.metrics;
    this.exposure = exposure;
    this.expected = token ? digest(token) : undefined;
  }

  /**
   * Whether a scrape carrying these headers may read the series: `Authorization: Bearer <token>`
   * or `X-Metrics-Token: <token>` when METRICS_TOKEN is set (compared in constant time), anyone
   * otherwise (outside production, or on METRICS_PORT).
   */
  allows(authorization: string | string[] | undefined, headerToken: string | string[] | undefined): boolean {
    if (!this.expected) return true;
    const given = bearerToken(authorization) ?? (Array.isArray(headerToken) ? headerToken[0] : headerToken);
    return given !== undefined && timingSafeEqual(digest(given), this.expected);
  }
}
