import { Body, Get, Injectable, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { ListPageQuery, sendPage } from '../common/pagination/list-page';
import { PAGE_HEADERS } from '../ops/api-schemas';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { Principal } from '../common/principal';
import { CreateGroupDto, UpdateMembersDto } from './dto/room-input.dto';
import { GroupDto, MembershipChangeDto, RoomDto } from './dto/room.dto';
import { RoomMembershipService } from './room-membership.service';
import { RoomType } from './room.entity';
import { RoomsService } from './rooms.service';

/**
 * The basic surface's groups (PRIVATE rooms) and channels (PUBLIC rooms): one set of handlers,
 * two views (GroupsController, ChannelsController), each restricted to its room type.
 */
@Injectable()
export abstract class BasicRoomsController {
  protected abstract readonly type: RoomType.PUBLIC | RoomType.PRIVATE;

  constructor(
    protected readonly rooms: RoomsService,
    protected readonly membership: RoomMembershipService,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: GroupDto })
  @ApiOperation({ summary: 'Create with members (all or nothing); the caller is creator and member' })
  async create(@CurrentUser() caller: Principal, @Body() dto: CreateGroupDto): Promise<GroupDto> {
    const { summary } = await this.rooms.create(caller, {
      type: this.type,
      name: dto.name,
      memberIds: dto.members,
    });
    return this.details(caller, summary.room.id);
  }

  @Put(':id/members')
  @ApiOkResponse({ type: MembershipChangeDto })
  @ApiOperation({ summary: 'Add a non-member or remove a member (or as "action" says); says which' })
  async members(
    @CurrentUser() caller: Principal,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateMembersDto,
  ): Promise<MembershipChangeDto> {
    const { action, memberCount } = await this.membership.changeMembership(
      caller,
      id,
      dto.memberId,
      this.type,
      dto.action,
    );
    return {
      message: action === 'added' ? 'Member added successfully.' : 'Member removed successfully.',
      action,
      roomId: id,
      memberId: dto.memberId,
      memberCount,
    };
  }

  @Get(':id')
  @ApiOkResponse({ type: GroupDto })
  @ApiOperation({ summary: 'Details with members (members and admins; channels: anyone)' })
  get(@CurrentUser() caller: Principal, @Param('id', ParseIdPipe) id: number): Promise<GroupDto> {
    return this.details(caller, id);
  }

  @Get()
  @ApiOkResponse({ type: [RoomDto], headers: PAGE_HEADERS })
  @ApiOperation({ summary: 'The ones the caller belongs to; by id, paged' })
  async list(
    @CurrentUser() caller: Principal,
    @Query() query: ListPageQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RoomDto[]> {
    return sendPage(request, reply, await this.rooms.listMine(caller, this.type, query), RoomDto.from);
  }

  private async details(caller: Principal, id: number): Promise<GroupDto> {
    const { summary, members } = await this.rooms.getWithMembers(caller, id, this.type);
    return GroupDto.withMembers(summary, members);
  }
}
