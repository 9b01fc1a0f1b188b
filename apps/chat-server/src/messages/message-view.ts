import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AttachmentDto } from '../attachments/dto/attachment.dto';
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

/** One emoji's reactions on a message: `userIds` lists at most the first 100, `count` is exact. */
export class ReactionDto {
  @ApiProperty({ example: '👍' }) emoji!: string;
  @ApiProperty({ example: 2 }) count!: number;
  @ApiProperty({ example: [1, 2], type: [Number] }) userIds!: number[];
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
  @ApiProperty({ example: null, nullable: true, type: String, description: 'Null until the first edit' })
  editedAt!: string | null;
  @ApiProperty({
    example: null,
    nullable: true,
    type: Number,
    description: "The thread root's id for a reply",
  })
  parentId!: number | null;
  @ApiProperty({ example: 0, description: 'A thread root: how many replies; a reply: 0' })
  replyCount!: number;
  @ApiProperty({
    example: null,
    nullable: true,
    type: String,
    description: "A thread root: its newest reply's time",
  })
  lastReplyAt!: string | null;
  @ApiProperty({ type: [ReactionDto], description: 'In order of first use; []' })
  reactions!: ReactionDto[];
  @ApiProperty({ type: [AttachmentDto], description: 'Files attached when it was sent, in their order; []' })
  attachments!: AttachmentDto[];
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
  editedAt: Date | null;
  parentId: number | null;
  replyCount: number;
  lastReplyAt: Date | null;
  /** The page's reactions, read in one query per page (MessagesRepository.reactionsOf). */
  reactions: ReactionDto[];
  /** The page's attachments, read in one query per page (MessageViews.of). */
  attachments?: readonly AttachmentDto[];
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
    editedAt: m.editedAt ? m.editedAt.toISOString() : null,
    parentId: m.parentId,
    replyCount: m.replyCount,
    lastReplyAt: m.lastReplyAt ? m.lastReplyAt.toISOString() : null,
    reactions: m.reactions,
    attachments: m.attachments ? m.attachments.map((a) => ({ ...a })) : [],
  };
}
