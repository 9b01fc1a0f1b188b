import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { RawClient, eventually } from '../test/harness';
import {
  InProcessStompBus,
  STOMP_BUS,
  STOMP_MODULE_OPTIONS,
  StompBroker,
  StompBusMessage,
  StompModule,
  StompServer,
} from './index';
import type { ResolvedStompOptions } from './stomp.options';

/** A bus that records what goes through it (stands in for a network bus). */
@Injectable()
class RecordingBus extends InProcessStompBus {
  readonly published: StompBusMessage[] = [];

  override publish(message: StompBusMessage): void {
    this.published.push(message);
    super.publish(message);
  }
}

@Injectable()
class ConfigService {
  readonly path = '/stomp';
}

@Module({ providers: [ConfigService], exports: [ConfigService] })
class ConfigModule {}

describe('StompModule', () => {
  let server: Server;
  let context: Awaited<ReturnType<typeof NestFactory.createApplicationContext>>;

  beforeAll(async () => {
    @Module({
      imports: [
        StompModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({ path: config.path, autoAttach: false, sockjs: false }),
          providers: [{ provide: STOMP_BUS, useClass: RecordingBus }],
        }),
      ],
    })
    class AppModule {}

    context = await NestFactory.createApplicationContext(AppModule, { logger: false });
    server = createServer((_req, res) => res.end('plain http'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    context.get(StompServer).attach(server);
  });

  afterAll(async () => {
    await context.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('resolves async options with defaults', () => {
    const options = context.get<ResolvedStompOptions>(STOMP_MODULE_OPTIONS);
    expect(options).toMatchObject({
      path: '/stomp',
      sockjs: false,
      connectTimeoutMs: 10000,
      heartbeat: { outgoing: 10000, incoming: 10000 },
      limits: {
        maxFrameBytes: 65536,
        maxHeaders: 64,
        maxSubscriptionsPerSession: 1000,
        maxOutboundBufferBytes: 524288,
      },
    });
  });

  it('serves STOMP on an explicitly attached server, publishes through the provided bus, and leaves other requests alone', async () => {
    const port = (server.address() as AddressInfo).port;
    const response = await fetch(`http://127.0.0.1:${port}/anything`);
    expect(await response.text()).toBe('plain http');

    const r = new RawClient(`ws://127.0.0.1:${port}/stomp/websocket`);
    try {
      const connected = await r.connect('anyone');
      expect(connected.headers['user-name']).toBe('anonymous');
      r.send('SUBSCRIBE\nid:0\ndestination:/topic/bus\nreceipt:r\n\n\0');
      await r.next('RECEIPT');
      await context.get(StompBroker).publish('/topic/bus', { via: 'bus' });
      const message = await r.next('MESSAGE');
      expect(JSON.parse(message.body.toString())).toEqual({ via: 'bus' });
      const bus = context.get<RecordingBus>(STOMP_BUS);
      expect(bus.published).toEqual([
        {
          type: 'broadcast',
          destination: '/topic/bus',
          headers: { 'content-type': 'application/json' },
          body: Buffer.from('{"via":"bus"}'),
        },
      ]);
    } finally {
      r.terminate();
      await eventually(() => context.get(StompBroker).stats().sessions === 0, 'session closed');
    }
  });
});
