import 'reflect-metadata';

export const MESSAGE_MAPPING_METADATA = 'stomp:message-mapping';
export const SEND_TO_USER_METADATA = 'stomp:send-to-user';
export const SEND_TO_METADATA = 'stomp:send-to';
export const HANDLER_PARAMS_METADATA = 'stomp:handler-params';
export const PIPELINED_METADATA = 'stomp:pipelined';

export type HandlerParamKind =
  'payload' | 'session' | 'headers' | 'destination-variable' | 'destination' | 'frame-order';

export interface HandlerParamMetadata {
  index: number;
  kind: HandlerParamKind;
  /** Header name for `headers`, variable name for `destination-variable`. */
  name?: string;
}

export interface SendToUserOptions {
  /** `true` (default): every session of the user; `false`: only the session that sent the message. */
  broadcast?: boolean;
}

export interface SendToUserMetadata extends Required<SendToUserOptions> {
  destination: string;
}

/**
 * Route SENDs on an application destination to this method: `@MessageMapping('chat.sendMessage')`
 * handles `/app/chat.sendMessage`. `{name}` segments are captured (see {@link DestinationVariable}).
 */
export function MessageMapping(...patterns: string[]): MethodDecorator {
  return (target, key) => {
    Reflect.defineMetadata(MESSAGE_MAPPING_METADATA, patterns, target, key);
  };
}

/** Send the handler's return value (when not undefined) to the calling user's destination, e.g. `/queue/replies`. */
export function SendToUser(destination: string, options: SendToUserOptions = {}): MethodDecorator {
  return (target, key) => {
    const metadata: SendToUserMetadata = { destination, broadcast: options.broadcast ?? true };
    Reflect.defineMetadata(SEND_TO_USER_METADATA, metadata, target, key);
  };
}

/** Publish the handler's return value (when not undefined) to a broker destination, e.g. `/topic/news`. */
export function SendTo(destination: string): MethodDecorator {
  return (target, key) => {
    Reflect.defineMetadata(SEND_TO_METADATA, destination, target, key);
  };
}

/**
 * The session may dispatch this handler's SENDs while its earlier SENDs are still in flight (up to
 * `limits.maxFramesInFlight`), instead of one frame at a time. Their RECEIPTs and errors still come
 * out in frame order, and any frame to another destination waits for them (and they for it). The
 * handler keeps the order of its own side effects with {@link FrameOrder}. See the README,
 * "Pipelined SENDs".
 */
export function Pipelined(): MethodDecorator {
  return (target, key) => {
    Reflect.defineMetadata(PIPELINED_METADATA, true, target, key);
  };
}

function param(kind: HandlerParamKind, name?: string): ParameterDecorator {
  return (target, key, index) => {
    if (key === undefined) return;
    const params: HandlerParamMetadata[] = Reflect.getMetadata(HANDLER_PARAMS_METADATA, target, key) ?? [];
    Reflect.defineMetadata(HANDLER_PARAMS_METADATA, [...params, { index, kind, name }], target, key);
  };
}

/**
 * The message body. JSON is parsed; when the parameter's type is a class it is transformed and
 * validated (class-validator, whitelist + forbidNonWhitelisted); `string` and `Buffer` get the raw body.
 */
export const Payload = (): ParameterDecorator => param('payload');
/** The session ({@link StompSessionInfo}: id, principal, version, remoteAddress, attributes). */
export const StompSessionParam = (): ParameterDecorator => param('session');
/** All headers of the SEND frame, or one of them when a name is given. */
export const MessageHeaders = (name?: string): ParameterDecorator => param('headers', name);
/** Alias of {@link MessageHeaders}. */
export const Headers = MessageHeaders;
/** A `{name}` variable captured from the destination pattern. */
export const DestinationVariable = (name: string): ParameterDecorator => param('destination-variable', name);
/** The full destination of the SEND frame. */
export const Destination = (): ParameterDecorator => param('destination');
/** The SEND's place in its session's order ({@link StompFrameOrder}); see {@link Pipelined}. */
export const FrameOrder = (): ParameterDecorator => param('frame-order');
