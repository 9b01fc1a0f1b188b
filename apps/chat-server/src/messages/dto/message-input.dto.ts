import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { IsId } from '../../common/validation/is-id.decorator';
import { AttachmentDto } from '../../attachments/dto/attachment.dto';
import { ReactionDto } from '../message-view';
import { DEFAULT_PAGE_SIZE, ReceiverType } from '../messages.service';

/**
 * Content and clientMessageId are only typed here: their rules (length after trimming, id
 * pattern) live in MessagesService, which the STOMP handler calls too.
 */
export class SendMessageDto {
  @ApiPropertyOptional({
    example: 'Hello!',
    description:
      '1-4000 characters after trimming; stored as sent. With attachmentIds it may be "" or absent',
  })
  @IsOptional()
  @IsString({ message: 'content must be a string' })
  content?: string;

  @ApiPropertyOptional({
    example: 'c-7f3a',
    description: 'Makes a retried send idempotent (unique per sender): 1-64 of [A-Za-z0-9_.:-]',
  })
  @IsOptional()
  @IsString({ message: 'clientMessageId must be a string' })
  clientMessageId?: string;

  @ApiPropertyOptional({
    example: 203,
    description: "Makes it a reply: a message of the same room; a reply's id means its thread root",
  })
  @IsOptional()
  @IsId()
  parentId?: number;

  @ApiPropertyOptional({
    example: [12],
    type: [Number],
    description:
      'Up to 10 of your own uploads to this room (POST /api/v1/rooms/{roomId}/attachments), not attached yet',
  })
  @IsOptional()
  @IsArray({ message: 'attachmentIds must be a list of at most 10 distinct attachment ids' })
  attachmentIds?: unknown[];
}

/** v1 `PATCH /api/v1/messages/{id}` and basic `PUT /api/messages/{messageId}`. */
export class EditMessageDto {
  @ApiProperty({
    example: 'Hello, fixed',
    description: 'The rules of sending: 1-4000 characters after trimming',
  })
  @IsString({ message: 'content must be a string' })
  content!: string;
}

/** Basic `POST /api/messages`. */
export class SendBasicMessageDto extends SendMessageDto {
  @ApiProperty({ example: '1', description: 'Must be the caller' }) @IsId() senderId!: number;

  @ApiProperty({ example: '2', description: 'A user id, or a group/channel id with receiverType' })
  @IsId()
  receiverId!: number;

  @ApiPropertyOptional({ enum: ['user', 'group', 'channel'], default: 'user' })
  @IsOptional()
  @IsIn(['user', 'group', 'channel'], { message: 'receiverType must be "user", "group" or "channel"' })
  receiverType?: ReceiverType;
}

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d{1,10}$/.test(value) ? Number(value) : value;

/** History query of both surfaces: `page`+`size`, or a `before`/`after` cursor with `size`. */
export class HistoryQueryDto {
  @ApiPropertyOptional({ example: 0, description: 'Page 0 is the newest `size` messages', default: 0 })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'page must be an integer >= 0' })
  @Min(0, { message: 'page must be an integer >= 0' })
  @Max(1_000_000, { message: 'page must be at most 1000000' })
  page?: number;

  @ApiPropertyOptional({ example: DEFAULT_PAGE_SIZE, minimum: 1, maximum: 100, default: DEFAULT_PAGE_SIZE })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'size must be an integer from 1 to 100' })
  @Min(1, { message: 'size must be an integer from 1 to 100' })
  @Max(100, { message: 'size must be an integer from 1 to 100' })
  size?: number;

  @ApiPropertyOptional({ example: 250, description: 'The messages just before this message id' })
  @IsOptional()
  @IsId()
  before?: number;

  @ApiPropertyOptional({ example: 200, description: 'The messages just after this message id' })
  @IsOptional()
  @IsId()
  after?: number;
}

/** v1 history: the history query plus `topLevel=true` (replies left out). */
export class V1HistoryQueryDto extends HistoryQueryDto {
  @ApiPropertyOptional({ example: true, description: 'true: leave replies out (a main timeline)' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'topLevel must be true or false' })
  topLevel?: boolean;
}

/** `GET /api/v1/messages/{id}/replies`: `before` / `after` cursors and `size`, no `page`. */
export class RepliesQueryDto extends OmitType(HistoryQueryDto, ['page'] as const) {}

/** `PUT|DELETE /api/v1/messages/{id}/reactions/{emoji}` and `/app/chat.react` answer. */
export class ReactionsDto {
  @ApiProperty({ example: 203 }) messageId!: number;
  @ApiProperty({ type: [ReactionDto] }) reactions!: ReactionDto[];
}

/** Basic `POST /api/messages` response. */
export class BasicMessageDto {
  @ApiProperty({ example: 203 }) id!: number;
  @ApiProperty({ example: 101, description: 'The room id' }) conversationId!: number;
  @ApiProperty({ example: 1 }) senderId!: number;
  @ApiProperty({ example: 2, description: 'As sent: a user id, or the group/channel id' })
  receiverId!: number;
  @ApiProperty({ example: 'Hello!' }) content!: string;
  @ApiProperty({ example: '2026-11-21T10:55:00.000Z' }) sentAt!: string;
  @ApiProperty({ example: null, nullable: true, type: String }) editedAt!: string | null;
  @ApiProperty({ example: null, nullable: true, type: Number }) parentId!: number | null;
  @ApiProperty({ type: [AttachmentDto], description: 'Files attached to it; []' })
  attachments!: AttachmentDto[];
}
