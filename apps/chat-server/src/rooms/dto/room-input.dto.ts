import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEnum, IsIn, IsString } from 'class-validator';
import { IsOmittable } from '../../common/validation/is-omittable.decorator';
import { IsId } from '../../common/validation/is-id.decorator';
import { TextLength } from '../../common/validation/text-length.decorator';
import { VisibleText } from '../../common/validation/visible-text';
import { RoomType } from '../room.entity';

const NAME_MESSAGE = 'name must be 1-100 characters (after trimming)';
const TYPE_MESSAGE = `type must be one of ${Object.values(RoomType).join(', ')}`;
export const MAX_INITIAL_MEMBERS = 1000;

/** A room name: trimmed, 1-100 characters, nothing invisible or direction-changing (VisibleText). */
export const RoomNameField = () => (target: object, key: string) => {
  Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))(target, key);
  IsString({ message: NAME_MESSAGE })(target, key);
  TextLength(1, 100, { message: NAME_MESSAGE })(target, key);
  VisibleText()(target, key);
};

/** v1 `POST /api/v1/rooms`. */
export class CreateRoomDto {
  @ApiPropertyOptional({
    example: 'My New Public Room',
    description: 'Required for PUBLIC/PRIVATE (unique, case-insensitive); ignored for DIRECT_MESSAGE',
  })
  @IsOmittable()
  @RoomNameField()
  name?: string;

  @ApiPropertyOptional({ enum: RoomType, default: RoomType.PUBLIC })
  @IsOmittable()
  @IsEnum(RoomType, { message: TYPE_MESSAGE })
  type?: RoomType;

  @ApiPropertyOptional({
    example: 2,
    description: 'The other user of a DIRECT_MESSAGE room (required there)',
  })
  @IsOmittable()
  @IsId()
  memberId?: number;
}

/** v1 `PUT /api/v1/rooms/{id}`. */
export class UpdateRoomDto {
  @ApiPropertyOptional({ example: 'Updated Room Name' }) @IsOmittable() @RoomNameField() name?: string;

  @ApiPropertyOptional({ enum: [RoomType.PUBLIC, RoomType.PRIVATE] })
  @IsOmittable()
  @IsEnum(RoomType, { message: TYPE_MESSAGE })
  type?: RoomType;
}

/** Basic `POST /api/groups` and `POST /api/channels`. */
export class CreateGroupDto {
  @ApiProperty({ example: 'project-x' }) @RoomNameField() name!: string;

  @ApiPropertyOptional({
    example: ['2', 3],
    description: 'User ids (strings or numbers) added with the creator; all must exist or nothing is created',
    type: [String],
  })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(MAX_INITIAL_MEMBERS)
  @IsId({ each: true })
  members?: number[];
}

export type MembershipAction = 'add' | 'remove';

/** Basic `PUT /api/{groups|channels}/:id/members`. */
export class UpdateMembersDto {
  @ApiProperty({ example: '2', description: 'A user id (string or number)' }) @IsId() memberId!: number;

  @ApiPropertyOptional({
    enum: ['add', 'remove'],
    description: 'Absent: adds a non-member, removes a member',
  })
  @IsOmittable()
  @IsIn(['add', 'remove'], { message: 'action must be "add" or "remove"' })
  action?: MembershipAction;
}
