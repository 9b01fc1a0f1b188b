import { SetMetadata } from '@nestjs/common';
import type { DomainEventName } from './domain-events';

export const ON_DOMAIN_EVENT_METADATA = 'chat:on-domain-event';

/**
 * Marks a provider method as a listener of a domain event: `@OnDomainEvent('membership.removed')
 * onMembershipRemoved(event)`. DomainEvents finds these methods at startup (as the STOMP handler
 * registry finds `@MessageMapping`), so grepping an event's name lists every listener. A method
 * may listen to several events by stacking the decorator.
 */
export const OnDomainEvent = (name: DomainEventName): MethodDecorator => {
  return (target, key, descriptor) => {
    const method = descriptor.value as object;
    const names =
      (Reflect.getMetadata(ON_DOMAIN_EVENT_METADATA, method) as DomainEventName[] | undefined) ?? [];
    SetMetadata(ON_DOMAIN_EVENT_METADATA, [...names, name])(target, key, descriptor);
  };
};
