import { MessageBodySchema } from '../ops/api-schemas';
import { Body, Controller, Delete, Get, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { Principal } from '../common/principal';
import {
  BasicMessageDto,
  EditMessageDto,
  HistoryQueryDto,
  SendBasicMessageDto,
} from './dto/message-input.dto';
import { MessageView } from './message-view';
import { MessagesService } from './messages.service';

/** Basic `/api/messages` (see /api/docs): the same rules as v1, addressed by user or room. */
@ApiTags('basic messages')
@ApiBearerAuth()
@Controller('api/messages')
export class BasicMessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Post()
  @ApiOperation({
    summary: 'Send to a user (its direct-message room) or, with receiverType, a group or channel',
  })
  @ApiResponse({ status: 201, type: BasicMessageDto })
  async send(
    @CurrentUser() caller: Principal,
    @Body() dto: SendBasicMessageDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { message, created } = await this.messages.sendAddressed(caller, dto);
    const body: BasicMessageDto = {
      id: message.id,
      conversationId: message.roomId,
      senderId: caller.id,
      receiverId: dto.receiverId,
      content: message.content,
      sentAt: message.sentAt,
      editedAt: message.editedAt,
      parentId: message.parentId,
      attachments: message.attachments,
    };
    await reply.status(created ? 201 : 200).send(body);
  }

  @Put(':messageId')
  @ApiOperation({ summary: 'Edit a message (its sender, while it may still post in the room)' })
  @ApiResponse({ status: 200, type: MessageView })
  edit(
    @CurrentUser() caller: Principal,
    @Param('messageId', ParseIdPipe) messageId: number,
    @Body() dto: EditMessageDto,
  ): Promise<MessageView> {
    return this.messages.edit(caller, messageId, dto.content);
  }

  @Get(':conversationId')
  @ApiOperation({ summary: "A room's history (same rules and query parameters as v1)" })
  @ApiResponse({ status: 200, type: [MessageView] })
  history(
    @CurrentUser() caller: Principal,
    @Param('conversationId', ParseIdPipe) conversationId: number,
    @Query() query: HistoryQueryDto,
  ): Promise<MessageView[]> {
    return this.messages.history(caller, conversationId, query);
  }

  @Delete(':messageId')
  @ApiOkResponse({ type: MessageBodySchema })
  @ApiOperation({ summary: 'Delete a message (its sender, the room creator or an admin)' })
  async remove(
    @CurrentUser() caller: Principal,
    @Param('messageId', ParseIdPipe) messageId: number,
  ): Promise<{ message: string }> {
    await this.messages.delete(caller, messageId);
    return { message: 'Message deleted successfully.' };
  }
}
