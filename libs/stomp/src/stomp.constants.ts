/** Options of {@link StompModule} (resolved, with defaults applied). */
export const STOMP_MODULE_OPTIONS = Symbol('STOMP_MODULE_OPTIONS');
/** Optional provider implementing {@link StompAuthenticator}. */
export const STOMP_AUTHENTICATOR = Symbol('STOMP_AUTHENTICATOR');
/** Optional provider implementing {@link StompAuthorizer}. */
export const STOMP_AUTHORIZER = Symbol('STOMP_AUTHORIZER');
/** Optional provider implementing {@link StompBus}; the in-process bus is used when absent. */
export const STOMP_BUS = Symbol('STOMP_BUS');

/** WebSocket / SockJS close codes used by the broker. */
export const StompCloseCode = {
  NORMAL: 1000,
  PROTOCOL_ERROR: 1002,
  POLICY_VIOLATION: 1008,
  SERVICE_RESTART: 1012,
  SLOW_CONSUMER: 4500,
} as const;
