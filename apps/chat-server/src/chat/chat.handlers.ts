import { Injectable, UnauthorizedException } from '@nestjs/common';
import {
  FrameOrder,
  MessageMapping,
  Payload,
  Pipelined,
  StompFrameOrder,
  StompSessionInfo,
  StompSessionParam,
} from '@app/stomp';
import { Principal } from '../common/principal';
import { AppDestination } from '../common/realtime/destinations';
import { MessagesService } from '../messages/messages.service';
import { ReadStateService } from '../read-state/read-state.service';
import { StatusService } from '../status/status.service';
import { UsersService } from '../users/users.service';
import { ReactionsService } from '../messages/reactions.service';
import {
  AddUserPayload,
  ReadPayload,
  EditMessagePayload,
  ReactPayload,
  SendMessagePayload,
  TypingPayload,
} from './dto/chat-payloads.dto';
import { sessionUserId } from './stomp-auth';
import { TypingService } from './typing.service';

/**
 * The chat's application destinations (`/app/...`). Each one calls the same service method as
 * the REST API, so both share every rule; errors go to the session's `/user/queue/errors` and the
 * connection stays. The RECEIPT of a SEND is written only after the handler resolved, i.e. after
 * the message is committed.
 *
 * Only sending is `@Pipelined()`: a session's consecutive sends are checked concurrently and
 * batched into the writer's INSERTs, their ids, broadcasts and RECEIPTs in frame order (see
 * docs/API-DECISIONS.md, "Pipelined sends"). Every other destination is handled one frame at a
 * time, after the sends before it are answered: an edit, a reaction, a read marker, presence and
 * typing apply in the order the client asked for them.
 */
@Injectable()
export class ChatHandlers {
  constructor(
    private readonly users: UsersService,
    private readonly messages: MessagesService,
    private readonly typingService: TypingService,
    private readonly status: StatusService,
    private readonly readState: ReadStateService,
    private readonly reactions: ReactionsService,
  ) {}

  @MessageMapping(AppDestination.sendMessage)
  @Pipelined()
  async sendMessage(
    @Payload() payload: SendMessagePayload,
    @StompSessionParam() session: StompSessionInfo,
    @FrameOrder() order: StompFrameOrder,
  ): Promise<void> {
    await this.messages.send(
      await this.caller(session),
      payload.roomId,
      payload.content,
      payload.clientMessageId,
      payload.parentId,
      payload.attachmentIds,
      order,
    );
  }

  @MessageMapping(AppDestination.editMessage)
  async editMessage(
    @Payload() payload: EditMessagePayload,
    @StompSessionParam() session: StompSessionInfo,
  ): Promise<void> {
    await this.messages.edit(await this.caller(session), payload.messageId, payload.content);
  }

  @MessageMapping(AppDestination.react)
  async react(
    @Payload() payload: ReactPayload,
    @StompSessionParam() session: StompSessionInfo,
  ): Promise<void> {
    await this.reactions.react(
      await this.caller(session),
      payload.messageId,
      payload.emoji,
      payload.remove ?? false,
    );
  }

  @MessageMapping(AppDestination.addUser)
  async addUser(
    @Payload() _payload: AddUserPayload,
    @StompSessionParam() session: StompSessionInfo,
  ): Promise<void> {
    await this.status.markOnline((await this.caller(session)).id);
  }

  @MessageMapping(AppDestination.typing)
  async typing(
    @Payload() payload: TypingPayload,
    @StompSessionParam() session: StompSessionInfo,
  ): Promise<void> {
    await this.typingService.typing(await this.caller(session), payload.roomId, payload.typing ?? true);
  }

  /** Moves the caller's read marker; the new state reaches all its sessions on `/user/queue/read`. */
  @MessageMapping(AppDestination.read)
  async read(@Payload() payload: ReadPayload, @StompSessionParam() session: StompSessionInfo): Promise<void> {
    await this.readState.markRead(await this.caller(session), payload.roomId, payload.messageId);
  }

  /** The session's user as it is now: roles may have changed since CONNECT, and the account may be gone. */
  private async caller(session: StompSessionInfo): Promise<Principal> {
    const principal = await this.users.getPrincipal(sessionUserId(session));
    if (!principal) throw new UnauthorizedException('Account no longer exists');
    return principal;
  }
}
