import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validate } from 'class-validator';
import type { StompFrame } from '../frame/stomp-frame';
import { StompError } from '../stomp.error';
import type { StompFrameOrder, StompSessionInfo } from '../stomp.interfaces';
import { DestinationPattern } from './destination-pattern';
import {
  HANDLER_PARAMS_METADATA,
  HandlerParamMetadata,
  MESSAGE_MAPPING_METADATA,
  PIPELINED_METADATA,
  SEND_TO_METADATA,
  SEND_TO_USER_METADATA,
  SendToUserMetadata,
} from './stomp-handler.decorators';

export interface StompHandlerDefinition {
  pattern: DestinationPattern;
  /** `ClassName.method`, for logs. */
  label: string;
  invoke: (...args: unknown[]) => unknown;
  params: HandlerParamMetadata[];
  paramTypes: unknown[];
  sendToUser: SendToUserMetadata | undefined;
  sendTo: string | undefined;
  /** `@Pipelined()`: the session dispatches its SENDs without waiting for the earlier ones. */
  pipelined: boolean;
}

export interface StompHandlerMatch {
  handler: StompHandlerDefinition;
  variables: Record<string, string>;
}

/** Everything a handler call needs, gathered by the broker. */
export interface StompHandlerCall {
  session: StompSessionInfo;
  destination: string;
  frame: StompFrame;
  variables: Record<string, string>;
  order: StompFrameOrder;
}

const PLAIN_TYPES = new Set<unknown>([
  Object,
  String,
  Number,
  Boolean,
  Array,
  Buffer,
  Promise,
  Function,
  undefined,
]);

/** Finds `@MessageMapping` methods on every provider and controller and routes destinations to them. */
@Injectable()
export class StompHandlerRegistry implements OnModuleInit {
  private readonly logger = new Logger('StompHandlers');
  private readonly literal = new Map<string, StompHandlerDefinition>();
  private readonly patterns: StompHandlerDefinition[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
  ) {}

  onModuleInit(): void {
    const wrappers = [...this.discovery.getProviders(), ...this.discovery.getControllers()];
    const seen = new Set<object>();
    for (const wrapper of wrappers) {
      const instance: unknown = wrapper.instance;
      if (
        !instance ||
        typeof instance !== 'object' ||
        seen.has(instance) ||
        !wrapper.isDependencyTreeStatic()
      )
        continue;
      seen.add(instance);
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const name of this.scanner.getAllMethodNames(prototype)) this.register(instance, prototype, name);
    }
  }

  private register(instance: object, prototype: object, name: string): void {
    const patterns: string[] | undefined = Reflect.getMetadata(MESSAGE_MAPPING_METADATA, prototype, name);
    if (!patterns) return;
    const method = (prototype as Record<string, (...args: unknown[]) => unknown>)[name];
    const label = `${instance.constructor.name}.${name}`;
    for (const raw of patterns) {
      const pattern = new DestinationPattern(raw.replace(/^\/+/, ''));
      const definition: StompHandlerDefinition = {
        pattern,
        label,
        invoke: method.bind(instance),
        params: Reflect.getMetadata(HANDLER_PARAMS_METADATA, prototype, name) ?? [],
        paramTypes: Reflect.getMetadata('design:paramtypes', prototype, name) ?? [],
        sendToUser: Reflect.getMetadata(SEND_TO_USER_METADATA, prototype, name),
        sendTo: Reflect.getMetadata(SEND_TO_METADATA, prototype, name),
        pipelined: Reflect.getMetadata(PIPELINED_METADATA, prototype, name) === true,
      };
      if (pattern.isLiteral) {
        if (this.literal.has(pattern.pattern)) {
          throw new Error(
            `Duplicate @MessageMapping('${raw}') on ${label} and ${this.literal.get(pattern.pattern)?.label}`,
          );
        }
        this.literal.set(pattern.pattern, definition);
      } else {
        this.patterns.push(definition);
      }
      this.logger.log(`Mapped STOMP destination '${raw}' to ${label}`);
    }
  }

  /** Handler for a destination path relative to the application prefix (`chat.sendMessage`). */
  find(path: string): StompHandlerMatch | undefined {
    const handler = this.literal.get(path);
    if (handler) return { handler, variables: {} };
    for (const candidate of this.patterns) {
      const variables = candidate.pattern.match(path);
      if (variables) return { handler: candidate, variables };
    }
    return undefined;
  }

  /** Build the arguments of a handler call. Rejects with a 400 StompError on a bad payload. */
  async resolveArguments(handler: StompHandlerDefinition, call: StompHandlerCall): Promise<unknown[]> {
    const args: unknown[] = new Array(handler.paramTypes.length);
    for (const param of handler.params) {
      switch (param.kind) {
        case 'payload':
          args[param.index] = await this.payload(call.frame, handler.paramTypes[param.index]);
          break;
        case 'session':
          args[param.index] = call.session;
          break;
        case 'headers':
          args[param.index] =
            param.name === undefined ? { ...call.frame.headers } : call.frame.headers[param.name];
          break;
        case 'destination-variable':
          args[param.index] = call.variables[param.name ?? ''];
          break;
        case 'destination':
          args[param.index] = call.destination;
          break;
        case 'frame-order':
          args[param.index] = call.order;
          break;
      }
    }
    return args;
  }

  private async payload(frame: StompFrame, type: unknown): Promise<unknown> {
    if (type === Buffer) return frame.body;
    if (type === String) return frame.body.toString('utf8');
    let parsed: unknown;
    if (frame.body.length > 0) {
      try {
        parsed = JSON.parse(frame.body.toString('utf8'));
      } catch {
        throw new StompError(400, 'Malformed JSON payload');
      }
    }
    if (PLAIN_TYPES.has(type) || typeof type !== 'function') return parsed;
    if (parsed === undefined) parsed = {};
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new StompError(400, 'Payload must be a JSON object');
    }
    // class-transformer recurses (a hostile nesting depth would overflow the stack: a 500) and
    // would copy a `__proto__` key into the instance's prototype instead of refusing it.
    const problem = payloadProblem(parsed, MAX_PAYLOAD_DEPTH);
    if (problem) throw new StompError(400, problem);
    const instance = plainToInstance(type as new () => object, parsed) as object;
    const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length > 0) {
      throw new StompError(400, 'Validation failed', flatten(errors));
    }
    return instance;
  }
}

const MAX_PAYLOAD_DEPTH = 32;

/**
 * Why a parsed JSON payload is refused before class-transformer sees it: nested deeper than `max`
 * levels, or carrying a prototype-pollution key (walked iteratively: no recursion to overflow).
 */
function payloadProblem(value: unknown, max: number): string | undefined {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return `Payload nested deeper than ${max} levels`;
    if (Object.prototype.hasOwnProperty.call(v, '__proto__'))
      return 'Payload must not contain "__proto__" keys';
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return undefined;
}

function flatten(errors: ValidationError[], parent = ''): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) out.push({ field, message });
    if (error.children?.length) out.push(...flatten(error.children, field));
  }
  return out;
}
