import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsId } from '../../common/validation/is-id.decorator';

/** `PUT /api/v1/rooms/{roomId}/read` and `PUT /api/messages/{conversationId}/read` body. */
export class MarkReadDto {
  @ApiPropertyOptional({ example: 203, description: "The newest message read; default: the room's newest" })
  @IsOptional()
  @IsId()
  messageId?: number;
}

/** A membership's read state (the answer of a read, and the `/user/queue/read` payload). */
export class ReadStateDto {
  @ApiProperty({ example: 101 }) roomId!: number;
  @ApiProperty({ example: 203, nullable: true, type: Number }) lastReadMessageId!: number | null;
  @ApiProperty({
    example: 0,
    description: 'Messages after the marker not sent by the caller (capped at 999)',
  })
  unreadCount!: number;
  @ApiProperty({ example: 0, description: 'Of those, the ones that mention the caller (capped at 999)' })
  mentionCount!: number;
}

/** One item of `GET /api/v1/rooms/unread`. */
export class UnreadItemDto extends ReadStateDto {
  @ApiProperty({ example: 205, nullable: true, type: Number }) lastMessageId!: number | null;
}

/** One item of `GET /api/v1/messages/{id}/readers`. */
export class ReaderDto {
  @ApiProperty({ example: 2 }) userId!: number;
  @ApiProperty({ example: 'bob' }) username!: string;
  @ApiProperty({ example: 205 }) lastReadMessageId!: number;
}
