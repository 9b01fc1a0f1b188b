import { DynamicModule, Module, Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { StompBroker } from './broker/stomp-broker';
import { StompHandlerRegistry } from './handlers/stomp-handler.registry';
import { STOMP_MODULE_OPTIONS } from './stomp.constants';
import { StompModuleAsyncOptions, StompModuleOptions, resolveStompOptions } from './stomp.options';
import { StompServer } from './transport/stomp-server';

export interface StompModuleRootOptions extends StompModuleOptions {
  /** Extra providers registered inside the module (e.g. `{ provide: STOMP_AUTHENTICATOR, useClass: ... }`). */
  providers?: Provider[];
}

/**
 * STOMP broker module (global). The hooks `STOMP_AUTHENTICATOR`, `STOMP_AUTHORIZER` and `STOMP_BUS` are
 * looked up anywhere in the application, so the app may provide them in any module (or pass them in
 * `providers`).
 */
@Module({})
export class StompModule {
  static forRoot(options: StompModuleRootOptions = {}): DynamicModule {
    const { providers = [], ...rest } = options;
    return StompModule.build([
      { provide: STOMP_MODULE_OPTIONS, useValue: resolveStompOptions(rest) },
      ...providers,
    ]);
  }

  static forRootAsync(options: StompModuleAsyncOptions): DynamicModule {
    return StompModule.build(
      [
        {
          provide: STOMP_MODULE_OPTIONS,
          inject: options.inject ?? [],
          useFactory: async (...args: unknown[]) => resolveStompOptions(await options.useFactory(...args)),
        },
        ...(options.providers ?? []),
      ],
      options.imports,
    );
  }

  private static build(providers: Provider[], imports: DynamicModule['imports'] = []): DynamicModule {
    return {
      module: StompModule,
      global: true,
      imports: [DiscoveryModule, ...imports],
      providers: [...providers, StompHandlerRegistry, StompBroker, StompServer],
      exports: [StompBroker, StompServer, STOMP_MODULE_OPTIONS],
    };
  }
}
