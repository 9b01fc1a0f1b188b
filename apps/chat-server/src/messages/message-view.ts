import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DELETED_USER } from '../users/dto/user.dto';

/** The sender as a message shows it: the user, or the deleted-user shape once the account is gone. */
export class MessageSenderDto {
  @ApiProperty({ example: 1, nullable: true, type: Number }) id!: number | null;
  @ApiProperty({ example: 'user1' }) username!: string;
  @ApiPropertyOptional({ example: 'user1@example.com', nullable: true, type: String }) email?: string | null;
}

/** A member mentioned by a message. */
export class MentionDto {
  @ApiProperty({ example: 2 }) id!: number;
  @ApiProperty({ example: 'bob' }) username!: string;
}

/**
 * A message as every surface shows it: the live STOMP payload on `/topic/rooms/{id}` and a
 * history item are the same object.
 */
export class MessageView {
  @ApiProperty({ example: 203 }) id!: number;
  @ApiProperty({ example: 101 }) roomId!: number;
  @ApiProperty({ type: MessageSenderDto }) sender!: MessageSenderDto;
  @ApiProperty({ example: 'This is a real-time message!' }) content!: string;
  @ApiProperty({ example: '2026-11-21T10:55:00.000Z' }) sentAt!: string;
  @ApiPropertyOptional({ example: 'c-42', description: 'Present when the sender gave one' })
  clientMessageId?: string;
  @ApiProperty({
    type: [MentionDto],
    description: 'Members mentioned with @username when it was sent, in order of appearance; [] when none',
  })
  mentions!: MentionDto[];
}

/** The fields a view is built from (an inserted row plus its sender, or a history row). */
export interface MessageParts {
  id: number;
  roomId: number;
  sender: { id: number; username: string; email: string | null } | null;
  content: string;
  sentAt: Date;
  clientMessageId: string | null;
  /** Mentioned members in order of appearance (loaded in one query per page); none when absent. */
  mentions?: readonly MentionDto[];
}

export function toMessageView(m: MessageParts): MessageView {
  return {
    id: m.id,
    roomId: m.roomId,
    sender: m.sender
      ? { id: m.sender.id, username: m.sender.username, email: m.sender.email }
      : { ...DELETED_USER },
    content: m.content,
    sentAt: m.sentAt.toISOString(),
    ...(m.clientMessageId ? { clientMessageId: m.clientMessageId } : {}),
    mentions: m.mentions ? m.mentions.map((u) => ({ id: u.id, username: u.username })) : [],
  };
}
