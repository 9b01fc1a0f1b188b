import { Client, IFrame, IMessage, StompSubscription } from '@stomp/stompjs';
import { Controller, Get, Injectable, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsInt, IsString, MinLength } from 'class-validator';
import SockJS from 'sockjs-client';
import { WebSocket } from 'ws';
import {
  DestinationVariable,
  FrameOrder,
  MessageMapping,
  Payload,
  Pipelined,
  STOMP_AUTHENTICATOR,
  STOMP_AUTHORIZER,
  SendToUser,
  StompAuthenticator,
  StompAuthorizer,
  StompBroker,
  StompConnectRequest,
  StompDecoder,
  StompError,
  StompFrame,
  StompFrameOrder,
  StompModule,
  StompModuleRootOptions,
  StompPrincipal,
  StompSessionInfo,
  StompSessionParam,
} from '../src';

export const DEFAULT_TIMEOUT = 5000;

/** Token format of the fake authenticator: `user:<id>` or `user:<id>:<expiresAt>`. */
@Injectable()
class FakeAuthenticator implements StompAuthenticator {
  async authenticate({ headers }: StompConnectRequest): Promise<StompPrincipal> {
    const token = headers['X-Auth-Token'] ?? headers.passcode;
    const match = /^user:(\w+)(?::(\d+))?$/.exec(token ?? '');
    if (!match) throw new Error('Unauthorized');
    return { id: match[1], name: `name-${match[1]}`, expiresAt: match[2] ? Number(match[2]) : undefined };
  }
}

@Injectable()
class FakeAuthorizer implements StompAuthorizer {
  canSubscribe(session: StompSessionInfo, destination: string): boolean {
    const room = /^\/topic\/rooms\/(\d+)/.exec(destination);
    return !room || room[1] !== '666';
  }
}

export class SendMessageDto {
  @IsInt()
  roomId!: number;

  @IsString()
  @MinLength(1)
  content!: string;
}

@Injectable()
export class ChatHandlers {
  readonly received: { user: string; content: string }[] = [];

  constructor(private readonly broker: StompBroker) {}

  @MessageMapping('chat.sendMessage')
  async send(@Payload() dto: SendMessageDto, @StompSessionParam() session: StompSessionInfo): Promise<void> {
    if (dto.content === 'forbidden') throw new StompError(403, 'Not a member');
    if (dto.content === 'crash') throw new Error('database exploded');
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.received.push({ user: session.principal!.id, content: dto.content });
    await this.broker.publish(`/topic/rooms/${dto.roomId}`, {
      roomId: dto.roomId,
      sender: session.principal!.id,
      content: dto.content,
    });
  }

  /** `pipe.send` calls: running now, the most at once, their ordered steps; each waits for `gate`. */
  readonly pipe = { gate: Promise.resolve(), active: 0, maxActive: 0, steps: [] as string[] };

  /** Pipelined: waits for `pipe.gate`, then records its body in turn; `fail` answers an error. */
  @MessageMapping('pipe.send')
  @Pipelined()
  async pipelined(@Payload() text: string, @FrameOrder() order: StompFrameOrder): Promise<void> {
    this.pipe.active++;
    this.pipe.maxActive = Math.max(this.pipe.maxActive, this.pipe.active);
    try {
      await this.pipe.gate;
      if (text.startsWith('fail')) throw new StompError(400, `Refused ${text}`);
      await order.turn(() => void this.pipe.steps.push(text));
    } finally {
      this.pipe.active--;
    }
  }

  @MessageMapping('echo.{name}')
  @SendToUser('/queue/replies', { broadcast: false })
  echo(@DestinationVariable('name') name: string, @Payload() text: string): { name: string; text: string } {
    return { name, text };
  }
}

@Controller('health')
class HealthController {
  @Get()
  health(): { ok: boolean } {
    return { ok: true };
  }
}

export interface TestApp {
  app: NestFastifyApplication;
  broker: StompBroker;
  handlers: ChatHandlers;
  baseUrl: string;
  wsUrl: string;
  sockjsUrl: string;
  close(): Promise<void>;
}

export async function startApp(options: StompModuleRootOptions = {}): Promise<TestApp> {
  @Module({
    imports: [
      StompModule.forRoot({
        path: '/ws/chat',
        heartbeat: { outgoing: 0, incoming: 0 },
        // SockJS keeps closed polling sessions around this long; keep it short so the test process can exit.
        sockjs: { disconnectDelayMs: 300 },
        ...options,
      }),
    ],
    controllers: [HealthController],
    providers: [
      ChatHandlers,
      { provide: STOMP_AUTHENTICATOR, useClass: FakeAuthenticator },
      { provide: STOMP_AUTHORIZER, useClass: FakeAuthorizer },
    ],
  })
  class TestModule {}

  const app = await NestFactory.create<NestFastifyApplication>(TestModule as Type, new FastifyAdapter(), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    broker: app.get(StompBroker),
    handlers: app.get(ChatHandlers),
    baseUrl,
    wsUrl: `${baseUrl.replace('http', 'ws')}/ws/chat/websocket`,
    sockjsUrl: `${baseUrl}/ws/chat`,
    close: () => app.close(),
  };
}

export function withTimeout<T>(promise: Promise<T>, what: string, ms = DEFAULT_TIMEOUT): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Timed out waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Poll until `check` returns true (bounded). */
export async function eventually(check: () => boolean, what: string, ms = DEFAULT_TIMEOUT): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export type ClientKind = 'ws' | 'sockjs-websocket' | 'sockjs-xhr-streaming';

/** A `@stomp/stompjs` client with helpers to wait for messages. */
export class TestStompClient {
  readonly client: Client;
  readonly messages = new Map<string, IMessage[]>();
  readonly errors: IFrame[] = [];
  closeCode: number | undefined;

  constructor(testApp: TestApp, kind: ClientKind, token: string | undefined) {
    this.client = new Client({
      connectHeaders: token ? { 'X-Auth-Token': token } : {},
      reconnectDelay: 0,
      heartbeatIncoming: 0,
      heartbeatOutgoing: 0,
      debug: () => undefined,
      webSocketFactory: () => {
        if (kind === 'ws') return new WebSocket(testApp.wsUrl, ['v12.stomp']);
        const transports = kind === 'sockjs-websocket' ? ['websocket'] : ['xhr-streaming'];
        return new SockJS(testApp.sockjsUrl, undefined, { transports });
      },
    });
    this.client.onStompError = (frame) => void this.errors.push(frame);
    this.client.onWebSocketClose = (event: { code: number }) => {
      this.closeCode = event.code;
    };
  }

  connect(): Promise<IFrame> {
    return withTimeout(
      new Promise<IFrame>((resolve, reject) => {
        this.client.onConnect = resolve;
        this.client.onStompError = (frame) => {
          this.errors.push(frame);
          reject(new Error(frame.headers.message));
        };
        this.client.activate();
      }),
      'CONNECTED',
    ).finally(() => {
      this.client.onStompError = (frame) => void this.errors.push(frame);
    });
  }

  subscribe(destination: string, headers: Record<string, string> = {}): StompSubscription {
    const list: IMessage[] = this.messages.get(destination) ?? [];
    this.messages.set(destination, list);
    return this.client.subscribe(destination, (message) => void list.push(message), headers);
  }

  /** Subscribe and wait until the server confirmed the subscription (receipt). */
  async subscribed(destination: string, headers: Record<string, string> = {}): Promise<StompSubscription> {
    const receipt = `sub-${Math.random()}`;
    const done = this.receipt(receipt);
    const subscription = this.subscribe(destination, { ...headers, receipt });
    await done;
    return subscription;
  }

  receipt(id: string): Promise<IFrame> {
    return withTimeout(
      new Promise<IFrame>((resolve) => this.client.watchForReceipt(id, resolve)),
      `RECEIPT ${id}`,
    );
  }

  async waitForMessages(destination: string, count: number): Promise<IMessage[]> {
    await eventually(
      () => (this.messages.get(destination)?.length ?? 0) >= count,
      `${count} messages on ${destination}`,
    );
    return this.messages.get(destination) ?? [];
  }

  bodies(destination: string): unknown[] {
    return (this.messages.get(destination) ?? []).map((m) => JSON.parse(m.body));
  }

  async close(): Promise<void> {
    await withTimeout(this.client.deactivate(), 'client close').catch(() => undefined);
  }
}

/** A raw `ws` socket speaking hand-written STOMP, for malformed and abusive clients. */
export class RawClient {
  readonly frames: StompFrame[] = [];
  readonly ws: WebSocket;
  readonly opened: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  heartbeats = 0;
  private readonly decoder = new StompDecoder({
    maxFrameBytes: 1 << 24,
    maxHeaders: 1000,
    maxHeaderLineBytes: 1 << 20,
  });

  constructor(url: string, protocols: string[] = ['v12.stomp']) {
    this.ws = new WebSocket(url, protocols);
    this.opened = withTimeout(
      new Promise<void>((resolve, reject) => {
        this.ws.once('open', () => resolve());
        this.ws.once('error', reject);
      }),
      'websocket open',
    );
    this.closed = new Promise((resolve) =>
      this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    this.ws.on('error', () => undefined);
    this.ws.on('message', (data: Buffer) => {
      if (data.length === 1 && data[0] === 0x0a) this.heartbeats++;
      this.frames.push(...this.decoder.push(data));
    });
  }

  send(data: string | Buffer): void {
    this.ws.send(data);
  }

  async connect(token = 'user:raw', extra = ''): Promise<StompFrame> {
    await this.opened;
    this.send(`CONNECT\naccept-version:1.2\nhost:x\npasscode:${token}\n${extra}\n\0`);
    return this.next('CONNECTED');
  }

  async next(command: string, from = 0): Promise<StompFrame> {
    let found: StompFrame | undefined;
    await eventually(
      () => (found = this.frames.slice(from).find((f) => f.command === command)) !== undefined,
      command,
    );
    return found!;
  }

  waitClosed(ms = DEFAULT_TIMEOUT): Promise<{ code: number; reason: string }> {
    return withTimeout(this.closed, 'socket close', ms);
  }

  terminate(): void {
    this.ws.terminate();
  }
}
