import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { HttpSettings } from '../config/http.settings';

/** Descriptors kept free of client sockets: database pool, Redis, log and data files, DNS. */
export const RESERVED_DESCRIPTORS = 256;

/** What the limiter has seen, for /metrics (`http_connections`, `http_connections_refused_total`). */
export interface ConnectionStats {
  open: number;
  refusedPerAddress: number;
  refusedMaxConnections: number;
}

const ADDRESS = Symbol('connectionAddress');
type TrackedSocket = Socket & { [ADDRESS]?: string };

/** `::ffff:127.0.0.1` and `127.0.0.1` are one address. */
function addressOf(socket: Socket): string {
  const address = socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/**
 * Bounds the sockets of the HTTP port (REST, SockJS and WebSocket alike): at most
 * `maxConnectionsPerAddress` open sockets per peer address, `maxConnections` in all (Node's
 * `server.maxConnections`), and timeouts for sockets that send nothing: the request headers must
 * be complete within `headersTimeoutMs` of the connection (or of the previous response on a
 * kept-alive socket: `keepAliveTimeoutMs` applies first), the whole request within `requestTimeoutMs`.
 * A socket over a cap is destroyed as soon as it is accepted, before any byte is read.
 */
export class ConnectionLimiter {
  private readonly counts = new Map<string, number>();
  private open = 0;
  private refusedPerAddress = 0;
  private refusedMaxConnections = 0;
  private readonly perAddress: number;
  /** The 'close' listener of every accepted socket: one function, `this` is the socket. */
  private readonly release: (this: TrackedSocket) => void;

  constructor(private readonly limits: HttpSettings['connections']) {
    this.perAddress = limits.maxConnectionsPerAddress;
    const releaseSlot = (address: string) => {
      this.open--;
      const left = (this.counts.get(address) ?? 1) - 1;
      if (left > 0) this.counts.set(address, left);
      else this.counts.delete(address);
    };
    this.release = function (this: TrackedSocket) {
      const address = this[ADDRESS];
      if (address === undefined) return;
      this[ADDRESS] = undefined;
      releaseSlot(address);
    };
  }

  attach(server: Server): void {
    const { limits } = this;
    server.maxConnections = limits.maxConnections;
    server.headersTimeout = limits.headersTimeoutMs;
    server.requestTimeout = limits.requestTimeoutMs;
    server.keepAliveTimeout = limits.keepAliveTimeoutMs;
    // How often Node looks for sockets past headersTimeout / requestTimeout (default 30 s, which
    // would let a silent socket live up to 30 s past its timeout). Read when the server listens.
    (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = 1000;
    server.on('drop', () => this.refusedMaxConnections++);
    // First, before the HTTP parser is set up on the socket.
    server.prependListener('connection', (socket: Socket) => this.accept(socket as TrackedSocket));
  }

  /** The open sockets of one address (for tests and diagnostics). */
  count(address: string): number {
    return this.counts.get(address) ?? 0;
  }

  stats(): ConnectionStats {
    return {
      open: this.open,
      refusedPerAddress: this.refusedPerAddress,
      refusedMaxConnections: this.refusedMaxConnections,
    };
  }

  private accept(socket: TrackedSocket): void {
    const address = addressOf(socket);
    const count = this.counts.get(address) ?? 0;
    if (count >= this.perAddress) {
      this.refusedPerAddress++;
      socket.destroy();
      return;
    }
    this.counts.set(address, count + 1);
    this.open++;
    socket[ADDRESS] = address;
    // A shared function, not a closure per socket: the slot is found again through the socket.
    socket.on('close', this.release);
  }
}

/**
 * The soft limit of open files of this process (Linux: /proc/self/limits), undefined when it
 * cannot be read or is unlimited.
 */
export function openFileLimit(
  read: () => string = () => readFileSync('/proc/self/limits', 'utf8'),
): number | undefined {
  try {
    const line = read()
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    return soft && /^\d+$/.test(soft) ? Number(soft) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `maxConnections`, lowered when the process cannot open that many sockets and still have
 * {@link RESERVED_DESCRIPTORS} descriptors for everything else: running out of descriptors fails
 * the database, Redis and log files too, not only new clients. Returns the cap and, when lowered,
 * why (for a startup log line).
 */
export function effectiveMaxConnections(
  configured: number,
  limit: number | undefined = openFileLimit(),
): { maxConnections: number; lowered?: string } {
  if (limit === undefined || configured + RESERVED_DESCRIPTORS <= limit)
    return { maxConnections: configured };
  const maxConnections = Math.max(1, limit - RESERVED_DESCRIPTORS);
  return {
    maxConnections,
    lowered: `HTTP_MAX_CONNECTIONS lowered from ${configured} to ${maxConnections}: the open-file limit is ${limit} and ${RESERVED_DESCRIPTORS} descriptors stay for the database, Redis and files (raise the limit, e.g. ulimit -n / LimitNOFILE, to allow more)`,
  };
}
