import { Controller } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { BasicRoomsController } from './basic-rooms.controller';
import { RoomType } from './room.entity';

/** Basic `/api/groups` (see /api/docs): PRIVATE rooms. A PUBLIC room id here is a 404. */
@ApiTags('basic groups')
@ApiBearerAuth()
@Controller('api/groups')
export class GroupsController extends BasicRoomsController {
  protected readonly type = RoomType.PRIVATE;
}
