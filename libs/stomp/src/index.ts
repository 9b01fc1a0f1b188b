export * from './frame';
export * from './stomp.constants';
export * from './stomp.interfaces';
export * from './stomp.options';
export { StompModule } from './stomp.module';
export type { StompModuleRootOptions } from './stomp.module';
export { StompBroker } from './broker/stomp-broker';
export type { StompBody } from './broker/message-body';
export type { StompErrorPayload } from './broker/stomp-exception-handler';
export { StompError } from './stomp.error';
export { StompEvents } from './stomp-events';
export * from './bus/stomp-bus';
export { InProcessStompBus } from './bus/in-process.bus';
export { RedisStompBus } from './bus/redis.bus';
export type { RedisStompBusOptions } from './bus/redis.bus';
export {
  MessageMapping,
  SendTo,
  SendToUser,
  Payload,
  StompSessionParam,
  MessageHeaders,
  Headers,
  DestinationVariable,
  Destination,
  FrameOrder,
  Pipelined,
} from './handlers/stomp-handler.decorators';
export type { SendToUserOptions } from './handlers/stomp-handler.decorators';
export { StompServer } from './transport/stomp-server';
export type { StompAckMode } from './session/subscription';
