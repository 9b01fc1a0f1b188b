export * from './stomp-frame';
export * from './stomp-frame.error';
export * from './stomp-encoder';
export * from './stomp-decoder';
export { escapeHeader, unescapeHeader } from './escaping';
