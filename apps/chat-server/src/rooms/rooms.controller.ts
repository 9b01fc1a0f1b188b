import { ApiTextResponse, PAGE_HEADERS } from '../ops/api-schemas';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply, FastifyRequest } from 'fastify';
import { ListPageQuery, sendPage } from '../common/pagination/list-page';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { Principal } from '../common/principal';
import { CreateRoomDto, UpdateRoomDto } from './dto/room-input.dto';
import { RoomDto, RoomMemberDto } from './dto/room.dto';
import { RoomMembershipService } from './room-membership.service';
import { RoomType } from './room.entity';
import { RoomsService } from './rooms.service';

/** v1 `/api/v1/rooms` (see /api/docs), plus find-or-create of direct-message rooms. */
@ApiTags('v1 rooms')
@ApiBearerAuth()
@Controller('api/v1/rooms')
export class RoomsController {
  constructor(
    private readonly rooms: RoomsService,
    private readonly membership: RoomMembershipService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Create a room (creator becomes a member); DIRECT_MESSAGE + memberId finds or creates',
  })
  @ApiResponse({ status: 201, type: RoomDto, description: 'Created' })
  @ApiResponse({ status: 200, type: RoomDto, description: 'The existing direct-message room' })
  async create(
    @CurrentUser() caller: Principal,
    @Body() dto: CreateRoomDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { summary, created } = await this.rooms.create(caller, {
      type: dto.type ?? RoomType.PUBLIC,
      name: dto.name,
      memberId: dto.memberId,
    });
    await reply.status(created ? 201 : 200).send(RoomDto.from(summary));
  }

  @Post('direct/:userId')
  @ApiOperation({ summary: 'Find or create the direct-message room with a user (201 created, 200 found)' })
  @ApiResponse({ status: 201, type: RoomDto })
  async direct(
    @CurrentUser() caller: Principal,
    @Param('userId', ParseIdPipe) userId: number,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { summary, created } = await this.rooms.findOrCreateDirect(caller, userId);
    await reply.status(created ? 201 : 200).send(RoomDto.from(summary));
  }

  @Get()
  @ApiOkResponse({ type: [RoomDto], headers: PAGE_HEADERS })
  @ApiOperation({
    summary: 'Rooms the caller may see: every PUBLIC room plus its own (admins: all); by id, paged',
  })
  async list(
    @CurrentUser() caller: Principal,
    @Query() query: ListPageQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RoomDto[]> {
    return sendPage(request, reply, await this.rooms.list(caller, query), RoomDto.from);
  }

  @Get('user/:userId')
  @ApiOkResponse({ type: [RoomDto], headers: PAGE_HEADERS })
  @ApiOperation({ summary: 'Rooms a user is a member of (self or admin); by id, paged' })
  async listForUser(
    @CurrentUser() caller: Principal,
    @Param('userId', ParseIdPipe) userId: number,
    @Query() query: ListPageQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RoomDto[]> {
    return sendPage(request, reply, await this.rooms.listForUser(caller, userId, query), RoomDto.from);
  }

  @Get(':id')
  @ApiOkResponse({ type: RoomDto })
  @ApiOperation({ summary: 'A room (PUBLIC, or one the caller is in; admins: any)' })
  async get(@CurrentUser() caller: Principal, @Param('id', ParseIdPipe) id: number): Promise<RoomDto> {
    return RoomDto.from(await this.rooms.get(caller, id));
  }

  @Put(':id')
  @ApiOkResponse({ type: RoomDto })
  @ApiOperation({ summary: 'Rename and/or switch PUBLIC <-> PRIVATE (creator or admin)' })
  async update(
    @CurrentUser() caller: Principal,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateRoomDto,
  ): Promise<RoomDto> {
    return RoomDto.from(await this.rooms.update(caller, id, dto));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a room with its messages and memberships (creator or admin)' })
  async remove(@CurrentUser() caller: Principal, @Param('id', ParseIdPipe) id: number): Promise<void> {
    await this.rooms.delete(caller, id);
  }

  @Post(':roomId/members/:userId')
  @ApiTextResponse(200, 'User added to chat room successfully.')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add a member (creator or admin; anyone may join a PUBLIC room itself)' })
  async addMember(
    @CurrentUser() caller: Principal,
    @Param('roomId', ParseIdPipe) roomId: number,
    @Param('userId', ParseIdPipe) userId: number,
  ): Promise<string> {
    await this.membership.addMember(caller, roomId, userId);
    return 'User added to chat room successfully.';
  }

  @Delete(':roomId/members/:userId')
  @ApiTextResponse(200, 'User removed from chat room successfully.')
  @ApiOperation({ summary: 'Remove a member (creator or admin), or leave (the user itself)' })
  async removeMember(
    @CurrentUser() caller: Principal,
    @Param('roomId', ParseIdPipe) roomId: number,
    @Param('userId', ParseIdPipe) userId: number,
  ): Promise<string> {
    await this.membership.removeMember(caller, roomId, userId);
    return 'User removed from chat room successfully.';
  }

  @Get(':roomId/members')
  @ApiOkResponse({ type: [RoomMemberDto] })
  @ApiOperation({ summary: 'Members of a room the caller may see' })
  async members(
    @CurrentUser() caller: Principal,
    @Param('roomId', ParseIdPipe) roomId: number,
  ): Promise<RoomMemberDto[]> {
    return this.rooms.members(caller, roomId);
  }
}
