import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

/** Cumulative STOMP broker numbers, as the broker's `stats()` returns them. */
export interface StompStatsSnapshot {
  sessions: number;
  subscriptions: number;
  framesIn: number;
  messagesDelivered: number;
  slowConsumerCloses: number;
}

/** Open sockets and cumulative refusals of the HTTP port (ops/connection-limits.ts). */
export interface ConnectionStatsSnapshot {
  open: number;
  refusedPerAddress: number;
  refusedMaxConnections: number;
}

interface HttpHookTarget {
  addHook(
    name: 'onResponse',
    hook: (
      request: { method: string; routeOptions?: { url?: string } },
      reply: { statusCode: number; elapsedTime: number },
      done: () => void,
    ) => void,
  ): unknown;
}

interface QueueLike {
  length: number;
}
interface Mysql2PoolInternals {
  _allConnections?: QueueLike;
  _freeConnections?: QueueLike;
  _connectionQueue?: QueueLike;
  config?: { connectionLimit?: number };
}

/**
 * The Prometheus registry of this server (one per app instance, so tests can run several) and the
 * collectors the STOMP broker and the chat service feed: the broker is bound once with
 * `bindStompStats(() => broker.stats())` and read on each scrape (nothing is counted per frame);
 * fan-out time and persisted messages are pushed.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly stompSessions = new Gauge({
    name: 'stomp_sessions',
    help: 'Open STOMP sessions on this instance',
    registers: [this.registry],
    collect: () => this.pullStompStats(),
  });
  readonly stompSubscriptions = new Gauge({
    name: 'stomp_subscriptions',
    help: 'Active STOMP subscriptions on this instance',
    registers: [this.registry],
  });
  readonly stompFramesIn = new Counter({
    name: 'stomp_frames_in_total',
    help: 'STOMP frames received from clients',
    registers: [this.registry],
  });
  readonly stompMessagesOut = new Counter({
    name: 'stomp_messages_out_total',
    help: 'MESSAGE frames delivered to subscribers',
    registers: [this.registry],
  });
  readonly chatMessages = new Counter({
    name: 'chat_messages_total',
    help: 'Chat messages persisted (STOMP and REST)',
    registers: [this.registry],
  });
  readonly stompSlowConsumerCloses = new Counter({
    name: 'stomp_slow_consumer_closes_total',
    help: 'STOMP sessions closed because their outbound buffer or write stalled',
    registers: [this.registry],
  });
  readonly stompFanout = new Histogram({
    name: 'stomp_fanout_seconds',
    help: 'Time to fan one broadcast out to the local subscribers',
    buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  readonly httpConnections = new Gauge({
    name: 'http_connections',
    help: 'Open sockets on the HTTP port (REST, SockJS, WebSocket)',
    registers: [this.registry],
    collect: () => this.pullConnectionStats(),
  });
  readonly httpConnectionsRefused = new Counter({
    name: 'http_connections_refused_total',
    help: 'Sockets closed on accept: over HTTP_MAX_CONNECTIONS_PER_IP (per_address) or HTTP_MAX_CONNECTIONS (max_connections)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  private stompStats?: () => StompStatsSnapshot;
  private connectionStats?: () => ConnectionStatsSnapshot;
  private readonly pulledRefusals = { perAddress: 0, maxConnections: 0 };
  private readonly pulled = { framesIn: 0, messagesDelivered: 0, slowConsumerCloses: 0 };

  constructor(@Optional() @InjectDataSource() private readonly dataSource?: DataSource) {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 20 });
    if (this.dataSource?.options.type === 'mysql') this.registerPoolGauges();
  }

  // ---------------------------------------------------------------- chat and fan-out (pushed)

  /** A chat message was committed (fed from the `message.created` domain event). */
  chatMessagePersisted(): void {
    this.chatMessages.inc();
  }
  /** One broadcast's local fan-out took `seconds`. */
  observeFanout(seconds: number): void {
    this.stompFanout.observe(seconds);
  }
  /** Same, from the broker's fan-out observer (`durationNs` is a bigint of nanoseconds). */
  observeFanoutNs(durationNs: bigint): void {
    this.stompFanout.observe(Number(durationNs) / 1e9);
  }

  // ---------------------------------------------------------------- STOMP sessions and counters (pulled)

  /** Reads sessions, subscriptions and the cumulative counters from the broker on each scrape. */
  bindStompStats(read: (() => StompStatsSnapshot) | undefined): void {
    this.stompStats = read;
  }

  private pullStompStats(): void {
    if (!this.stompStats) return;
    const s = this.stompStats();
    this.stompSessions.set(s.sessions);
    this.stompSubscriptions.set(s.subscriptions);
    const delta = (key: keyof MetricsService['pulled'], now: number) => {
      const d = now - this.pulled[key];
      this.pulled[key] = now;
      return d > 0 ? d : 0;
    };
    const frames = delta('framesIn', s.framesIn);
    if (frames) this.stompFramesIn.inc(frames);
    const delivered = delta('messagesDelivered', s.messagesDelivered);
    if (delivered) this.stompMessagesOut.inc(delivered);
    const slow = delta('slowConsumerCloses', s.slowConsumerCloses);
    if (slow) this.stompSlowConsumerCloses.inc(slow);
  }

  // ---------------------------------------------------------------- HTTP sockets (pulled)

  /** Reads open sockets and refusals from the connection limiter on each scrape. */
  bindConnectionStats(read: (() => ConnectionStatsSnapshot) | undefined): void {
    this.connectionStats = read;
  }

  private pullConnectionStats(): void {
    if (!this.connectionStats) return;
    const s = this.connectionStats();
    this.httpConnections.set(s.open);
    const perAddress = s.refusedPerAddress - this.pulledRefusals.perAddress;
    const maxConnections = s.refusedMaxConnections - this.pulledRefusals.maxConnections;
    this.pulledRefusals.perAddress = s.refusedPerAddress;
    this.pulledRefusals.maxConnections = s.refusedMaxConnections;
    if (perAddress > 0) this.httpConnectionsRefused.inc({ reason: 'per_address' }, perAddress);
    if (maxConnections > 0) this.httpConnectionsRefused.inc({ reason: 'max_connections' }, maxConnections);
  }

  // ---------------------------------------------------------------- HTTP and database

  /** Counts and times every HTTP response by route pattern (never the raw URL: ids would explode cardinality). */
  instrumentHttp(fastify: HttpHookTarget): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      const labels = {
        method: request.method,
        route: request.routeOptions?.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      };
      this.httpRequests.inc(labels);
      this.httpDuration.observe(labels, reply.elapsedTime / 1000);
      done();
    });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private registerPoolGauges(): void {
    const pool = () =>
      (this.dataSource?.driver as unknown as { pool?: Mysql2PoolInternals } | undefined)?.pool;
    new Gauge({
      name: 'db_pool_connections',
      help: 'mysql2 pool connections by state (open, free, limit)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const p = pool();
        if (!p) return;
        this.set({ state: 'open' }, p._allConnections?.length ?? 0);
        this.set({ state: 'free' }, p._freeConnections?.length ?? 0);
        if (p.config?.connectionLimit) this.set({ state: 'limit' }, p.config.connectionLimit);
      },
    });
    new Gauge({
      name: 'db_pool_queued_requests',
      help: 'Queries waiting for a free mysql2 pool connection',
      registers: [this.registry],
      collect() {
        const p = pool();
        if (p) this.set(p._connectionQueue?.length ?? 0);
      },
    });
  }
}
