import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { Principal } from '../common/principal';
import { EditMessageDto, RepliesQueryDto, SendMessageDto, V1HistoryQueryDto } from './dto/message-input.dto';
import { MessageView } from './message-view';
import { MessagesService } from './messages.service';

/** v1 `/api/v1/messages` (see /api/docs), plus sending and deleting over REST. */
@ApiTags('v1 messages')
@ApiBearerAuth()
@Controller('api/v1/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get('room/:roomId')
  @ApiOperation({
    summary:
      'History (members and admins): page/size, or a before/after cursor; oldest to newest; topLevel=true leaves replies out',
  })
  @ApiResponse({ status: 200, type: [MessageView] })
  history(
    @CurrentUser() caller: Principal,
    @Param('roomId', ParseIdPipe) roomId: number,
    @Query() query: V1HistoryQueryDto,
  ): Promise<MessageView[]> {
    return this.messages.history(caller, roomId, query);
  }

  @Post('room/:roomId')
  @ApiOperation({
    summary: 'Send a message (members and admins), a reply with parentId; 200 with the original on a replay',
  })
  @ApiResponse({ status: 201, type: MessageView })
  async send(
    @CurrentUser() caller: Principal,
    @Param('roomId', ParseIdPipe) roomId: number,
    @Body() dto: SendMessageDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { message, created } = await this.messages.send(
      caller,
      roomId,
      dto.content,
      dto.clientMessageId,
      dto.parentId,
      dto.attachmentIds,
    );
    await reply.status(created ? 201 : 200).send(message);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Edit a message (its sender, while it may still post in the room)' })
  @ApiResponse({ status: 200, type: MessageView })
  edit(
    @CurrentUser() caller: Principal,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: EditMessageDto,
  ): Promise<MessageView> {
    return this.messages.edit(caller, id, dto.content);
  }

  @Get(':id/replies')
  @ApiOperation({
    summary: "A thread's replies (members and admins): before/after cursor or the newest size; oldest first",
  })
  @ApiResponse({ status: 200, type: [MessageView] })
  replies(
    @CurrentUser() caller: Principal,
    @Param('id', ParseIdPipe) id: number,
    @Query() query: RepliesQueryDto,
  ): Promise<MessageView[]> {
    return this.messages.replies(caller, id, query);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a message (its sender, the room creator or an admin)' })
  async remove(@CurrentUser() caller: Principal, @Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.messages.delete(caller, id);
  }
}
