import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { IsId } from '../../common/validation/is-id.decorator';
import { TextLength } from '../../common/validation/text-length.decorator';
import { DELETED_USER } from '../../users/dto/user.dto';
import { Notification, NotificationType, SENT_BY_USERS } from '../notification.entity';

export const MAX_NOTIFICATION_LENGTH = 1000;
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE = 1_000_000;

const MESSAGE_RULE = `message must be 1-${MAX_NOTIFICATION_LENGTH} characters (not only spaces)`;

export class SendNotificationDto {
  @ApiProperty({ example: 2, description: 'A number, or a decimal string on the basic surface' })
  @IsId()
  userId!: number;

  @ApiProperty({ example: 'Standup in 5 minutes', minLength: 1, maxLength: MAX_NOTIFICATION_LENGTH })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: MESSAGE_RULE })
  @TextLength(1, MAX_NOTIFICATION_LENGTH, { message: MESSAGE_RULE })
  message!: string;
}

/** Query integers arrive as strings; only plain decimal digits are accepted. */
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;

export class ListNotificationsQuery {
  @ApiPropertyOptional({ example: 0, default: 0, description: '0 is the newest page' })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'page must be an integer >= 0' })
  @Min(0, { message: 'page must be an integer >= 0' })
  @Max(MAX_PAGE, { message: `page must be at most ${MAX_PAGE}` })
  page?: number;

  @ApiPropertyOptional({
    example: DEFAULT_PAGE_SIZE,
    default: DEFAULT_PAGE_SIZE,
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
  })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: `size must be an integer from 1 to ${MAX_PAGE_SIZE}` })
  @Min(1, { message: `size must be an integer from 1 to ${MAX_PAGE_SIZE}` })
  @Max(MAX_PAGE_SIZE, { message: `size must be an integer from 1 to ${MAX_PAGE_SIZE}` })
  size?: number;

  @ApiPropertyOptional({ example: true, description: 'true: only unread ones' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'unread must be true or false' })
  unread?: boolean;
}

/** Who sent a notification: the user, or `{id: null, username: "[deleted]"}` once its account is gone. */
export class NotificationSenderDto {
  @ApiProperty({ example: 3, nullable: true, type: Number }) id!: number | null;
  @ApiProperty({ example: 'alice' }) username!: string;
}

/** The sender of a notification with its actor loaded: null only for what the system sends on its own. */
export function senderOf(n: Pick<Notification, 'type' | 'actor'>): NotificationSenderDto | null {
  if (n.actor) return { id: n.actor.id, username: n.actor.username };
  return SENT_BY_USERS.has(n.type) ? { id: DELETED_USER.id, username: DELETED_USER.username } : null;
}

/** A notification as REST returns it and as it is pushed on `/user/queue/notifications`. */
export class NotificationDto {
  @ApiProperty({ example: 17 }) id!: number;
  @ApiProperty({ example: NotificationType.USER, enum: NotificationType }) type!: NotificationType;
  @ApiProperty({ example: 'Standup in 5 minutes' }) message!: string;
  @ApiProperty({ example: false }) read!: boolean;
  @ApiProperty({ example: '2026-11-21T10:55:00.000Z' }) createdAt!: string;
  @ApiProperty({ example: 101, nullable: true, type: Number, description: 'The room it is about, if any' })
  roomId!: number | null;
  @ApiProperty({
    example: 203,
    nullable: true,
    type: Number,
    description: 'The message it is about (MENTION, DIRECT_MESSAGE, REPLY), if any',
  })
  messageId!: number | null;
  @ApiProperty({
    type: NotificationSenderDto,
    nullable: true,
    description: 'Who caused it (`id` null once that account is deleted); null only for the system',
  })
  sender!: NotificationSenderDto | null;

  /** `n` with its `actor` loaded (or null/undefined when there is none). */
  static from(n: Notification): NotificationDto {
    return {
      id: n.id,
      type: n.type,
      message: n.message,
      read: n.read,
      createdAt: n.createdAt.toISOString(),
      roomId: n.roomId,
      messageId: n.messageId ?? null,
      sender: senderOf(n),
    };
  }
}

export class MarkAllReadDto {
  @ApiProperty({ example: 3, description: 'How many unread notifications were marked read' })
  updated!: number;
}
