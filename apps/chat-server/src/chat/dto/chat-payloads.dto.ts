import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { MAX_ID } from '../../common/pipes/parse-id.pipe';

/** `/app/chat.sendMessage` body (README, "Client SENDs"). Content rules are checked by MessagesService. */
export class SendMessagePayload {
  @IsInt({ message: 'roomId must be a positive integer id' })
  @Min(1, { message: 'roomId must be a positive integer id' })
  @Max(MAX_ID, { message: 'roomId must be a positive integer id' })
  roomId!: number;

  /** May be "" or absent when attachmentIds are given (MessagesService checks). */
  @IsOptional()
  @IsString({ message: 'content must be a string' })
  content?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  @Matches(/^[A-Za-z0-9_.:-]+$/, {
    message: 'clientMessageId must be 1-64 characters of letters, digits, _ . : -',
  })
  clientMessageId?: string;

  @IsOptional()
  @IsInt({ message: 'parentId must be a positive integer id' })
  @Min(1, { message: 'parentId must be a positive integer id' })
  @Max(MAX_ID, { message: 'parentId must be a positive integer id' })
  parentId?: number;

  /** Uploads to attach (EXTENSIONS.md §7); their rules are checked by MessagesService. */
  @IsOptional()
  @IsArray({ message: 'attachmentIds must be a list of at most 10 distinct attachment ids' })
  attachmentIds?: unknown[];
}

/** `/app/chat.editMessage` body (EXTENSIONS.md §3). Content rules are checked by MessagesService. */
export class EditMessagePayload {
  @IsInt({ message: 'messageId must be a positive integer id' })
  @Min(1, { message: 'messageId must be a positive integer id' })
  @Max(MAX_ID, { message: 'messageId must be a positive integer id' })
  messageId!: number;

  @IsString({ message: 'content must be a string' })
  content!: string;
}

/** `/app/chat.react` body (EXTENSIONS.md §4). The emoji rules are checked by ReactionsService. */
export class ReactPayload {
  @IsInt({ message: 'messageId must be a positive integer id' })
  @Min(1, { message: 'messageId must be a positive integer id' })
  @Max(MAX_ID, { message: 'messageId must be a positive integer id' })
  messageId!: number;

  @IsString({ message: 'emoji must be a string' })
  @Length(1, 128, { message: 'emoji must be one emoji or a :shortcode:' })
  emoji!: string;

  @IsOptional()
  @IsBoolean({ message: 'remove must be a boolean' })
  remove?: boolean;
}

class SenderInfo {
  @IsOptional() @IsString() @Length(0, 64) username?: string;
}

/** `/app/chat.addUser` body (README, "Client SENDs"): may be empty; the session's own user is what counts. */
export class AddUserPayload {
  @IsOptional()
  @IsObject()
  @Type(() => SenderInfo)
  sender?: SenderInfo;
}

/** `/app/chat.read` body: the room, and the newest message read (default: the room's newest). */
export class ReadPayload {
  @IsInt({ message: 'roomId must be a positive integer id' })
  @Min(1, { message: 'roomId must be a positive integer id' })
  @Max(MAX_ID, { message: 'roomId must be a positive integer id' })
  roomId!: number;

  @IsOptional()
  @IsInt({ message: 'messageId must be a positive integer id' })
  @Min(1, { message: 'messageId must be a positive integer id' })
  @Max(MAX_ID, { message: 'messageId must be a positive integer id' })
  messageId?: number;
}

/** `/app/chat.typing` body. `typing` defaults to true. */
export class TypingPayload {
  @IsInt({ message: 'roomId must be a positive integer id' })
  @Min(1, { message: 'roomId must be a positive integer id' })
  @Max(MAX_ID, { message: 'roomId must be a positive integer id' })
  roomId!: number;

  @IsOptional()
  @IsBoolean()
  typing?: boolean;
}
