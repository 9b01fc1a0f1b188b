import { Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { BasicRoomsController } from './basic-rooms.controller';
import { RoomType } from './room.entity';

/** Basic `/api/channels` (see /api/docs): PUBLIC rooms. A PRIVATE room id here is a 404. */
@ApiTags('basic channels')
@ApiBearerAuth()
@Controller('api/channels')
export class ChannelsController extends BasicRoomsController {
  protected readonly type = RoomType.PUBLIC;
}
