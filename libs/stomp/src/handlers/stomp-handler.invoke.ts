import { matchesPrefix } from '../destination-prefix';
import type { StompFrame } from '../frame/stomp-frame';
import { StompError } from '../stomp.error';
import type { StompFrameOrder, StompSessionInfo } from '../stomp.interfaces';
import type {
  StompHandlerDefinition,
  StompHandlerMatch,
  StompHandlerRegistry,
} from './stomp-handler.registry';

/** A handler call that completed: the handler (for its `@SendTo`/`@SendToUser`) and what it returned. */
export interface StompHandlerOutcome {
  handler: StompHandlerDefinition;
  result: unknown;
}

/** The handler of an application destination (`/app/chat.sendMessage`), if any. */
export function findHandler(
  handlers: StompHandlerRegistry,
  applicationPrefixes: readonly string[],
  destination: string,
): StompHandlerMatch | undefined {
  const prefix = applicationPrefixes.find((p) => matchesPrefix(destination, [p])) ?? '';
  return handlers.find(destination.slice(prefix.length).replace(/^\/+/, ''));
}

/** A handler found for a SEND, with the arguments of its call resolved (and validated). */
export interface ResolvedHandlerCall {
  handler: StompHandlerDefinition;
  args: unknown[];
}

/**
 * Find the `@MessageMapping` handler of a SEND to an application destination and resolve its
 * arguments, without running it. Rejects with a 404 {@link StompError} when no handler matches, and
 * with whatever argument resolution throws (a 400 for an invalid payload).
 */
export async function resolveHandler(
  handlers: StompHandlerRegistry,
  applicationPrefixes: readonly string[],
  session: StompSessionInfo,
  destination: string,
  frame: StompFrame,
  order: StompFrameOrder,
): Promise<ResolvedHandlerCall> {
  const match = findHandler(handlers, applicationPrefixes, destination);
  if (!match) throw new StompError(404, `No handler for ${destination}`);
  const { handler, variables } = match;
  const args = await handlers.resolveArguments(handler, { session, destination, frame, variables, order });
  return { handler, args };
}

/**
 * Run the `@MessageMapping` handler of a SEND to an application destination. Rejects with a 404
 * {@link StompError} when no handler matches, and with whatever the handler or its argument
 * resolution throws.
 */
export async function invokeHandler(
  handlers: StompHandlerRegistry,
  applicationPrefixes: readonly string[],
  session: StompSessionInfo,
  destination: string,
  frame: StompFrame,
  order: StompFrameOrder,
): Promise<StompHandlerOutcome> {
  const { handler, args } = await resolveHandler(
    handlers,
    applicationPrefixes,
    session,
    destination,
    frame,
    order,
  );
  return { handler, result: await handler.invoke(...args) };
}
