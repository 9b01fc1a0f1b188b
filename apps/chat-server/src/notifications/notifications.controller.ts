import { Body, Controller, Get, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { Principal } from '../common/principal';
import {
  ListNotificationsQuery,
  MarkAllReadDto,
  NotificationDto,
  SendNotificationDto,
} from './dto/notification.dto';
import { NotificationsService } from './notifications.service';

/** `/api/notifications` (see /api/docs) and `/api/v1/notifications`: one surface, both paths. */
@ApiTags('notifications')
@ApiBearerAuth()
@Controller(['api/v1/notifications', 'api/notifications'])
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Post()
  @ApiOperation({ summary: 'Notify a user (admin: anyone; user: itself or a user it shares a room with)' })
  @ApiCreatedResponse({ type: NotificationDto })
  send(@CurrentUser() caller: Principal, @Body() dto: SendNotificationDto): Promise<NotificationDto> {
    return this.notifications.send(caller, dto.userId, dto.message);
  }

  @Get()
  @ApiOperation({ summary: "The caller's notifications, newest first" })
  @ApiOkResponse({ type: NotificationDto, isArray: true })
  list(@CurrentUser() caller: Principal, @Query() query: ListNotificationsQuery): Promise<NotificationDto[]> {
    return this.notifications.list(caller, query);
  }

  @Put('read-all')
  @ApiOperation({ summary: "Mark all the caller's notifications read" })
  @ApiOkResponse({ type: MarkAllReadDto })
  markAllRead(@CurrentUser() caller: Principal): Promise<MarkAllReadDto> {
    return this.notifications.markAllRead(caller);
  }

  @Put(':id/read')
  @ApiOperation({ summary: "Mark one of the caller's notifications read (idempotent)" })
  @ApiOkResponse({ type: NotificationDto })
  markRead(@CurrentUser() caller: Principal, @Param('id', ParseIdPipe) id: number): Promise<NotificationDto> {
    return this.notifications.markRead(caller, id);
  }
}
