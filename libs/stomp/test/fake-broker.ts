import type { ModuleRef } from '@nestjs/core';
import { StompBroker } from '../src/broker/stomp-broker';
import type { StompHandlerRegistry } from '../src/handlers/stomp-handler.registry';
import { STOMP_AUTHENTICATOR, STOMP_AUTHORIZER } from '../src/stomp.constants';
import type { StompAuthenticator, StompAuthorizer } from '../src/stomp.interfaces';
import { StompModuleOptions, resolveStompOptions } from '../src/stomp.options';

/** A fake handler: a plain function of the arguments `resolveArguments` makes of the call. */
export interface FakeHandler {
  invoke: (...args: never[]) => Promise<void>;
  pipelined?: boolean;
}

/**
 * A handler registry for session tests: `lookup` finds a destination's handler (the path after
 * the application prefix), `resolveArguments` turns a call into its arguments.
 */
export function fakeRegistry(
  lookup: (path: string) => FakeHandler | undefined,
  resolveArguments: (call: { frame: { body: Buffer }; order: unknown }) => unknown[],
): StompHandlerRegistry {
  return {
    find: (path: string) => {
      const entry = lookup(path);
      if (!entry) return undefined;
      return {
        handler: {
          invoke: entry.invoke,
          params: [],
          paramTypes: [],
          sendTo: undefined,
          sendToUser: undefined,
          label: path,
          pipelined: entry.pipelined,
        },
        variables: {},
      };
    },
    resolveArguments: async (_handler: unknown, call: { frame: { body: Buffer }; order: unknown }) =>
      resolveArguments(call),
  } as unknown as StompHandlerRegistry;
}

/** A started broker over that registry, without heart-beats (tests drive time themselves). */
export function fakeBroker(
  options: StompModuleOptions,
  registry: StompHandlerRegistry,
  authenticator: StompAuthenticator,
  authorizer: StompAuthorizer,
): StompBroker {
  const moduleRef = {
    get: (token: symbol) => {
      if (token === STOMP_AUTHENTICATOR) return authenticator;
      if (token === STOMP_AUTHORIZER) return authorizer;
      throw new Error('not found');
    },
  } as unknown as ModuleRef;
  const broker = new StompBroker(
    resolveStompOptions({ heartbeat: { outgoing: 0, incoming: 0 }, ...options }),
    registry,
    moduleRef,
  );
  broker.onModuleInit();
  return broker;
}
