import { BadRequestException, NotFoundException } from '@nestjs/common';
import { RoomType } from './room.entity';

/** The refusals several room services give, worded once. */
export const NAME_TAKEN = 'Room name already exists';

/** 404 for a room, named as the surface that asked for it (basic groups/channels or v1). */
export function roomNotFound(roomId: number, type?: RoomType): NotFoundException {
  const what = type === RoomType.PRIVATE ? 'Group' : type === RoomType.PUBLIC ? 'Channel' : 'Chat room';
  return new NotFoundException(`${what} ${roomId} not found`);
}

export function unknownMembers(): BadRequestException {
  return new BadRequestException('members must all be existing user ids');
}
