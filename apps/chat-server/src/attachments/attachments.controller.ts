import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentUser } from '../common/decorators/current-user.decorator';
import { ParseIdPipe } from '../common/pipes/parse-id.pipe';
import { Principal } from '../common/principal';
import { sendAttachment } from './attachment-download';
import { UploadRefused } from './attachment-upload';
import { AttachmentsService } from './attachments.service';
import { UploadBodyDto, UploadedAttachmentDto } from './dto/attachment.dto';
import { AttachmentStorage } from './storage/attachment-storage';

/** How long a refused upload's connection stays open after the answer, so the client reads it. */
export const REFUSED_UPLOAD_LINGER_MS = 2000;

/**
 * A refused upload's body is not read on. A stalled client (408) is closed with the answer. Any
 * other client is likely still sending: closing at once would reset the connection under the
 * unread bytes and the client could lose the answer, so the body is discarded (at no memory
 * cost) for at most REFUSED_UPLOAD_LINGER_MS after the answer, then the connection is closed.
 */
function closeAfterAnswer(request: FastifyRequest, reply: FastifyReply, err: unknown): void {
  if (err instanceof UploadRefused && err.getStatus() === 408) {
    void reply.header('connection', 'close');
    return;
  }
  const raw = request.raw;
  reply.raw.once('finish', () => {
    const timer = setTimeout(() => {
      if (!raw.complete) raw.socket?.destroy();
    }, REFUSED_UPLOAD_LINGER_MS);
    timer.unref();
    raw.once('end', () => clearTimeout(timer));
  });
}

/** Upload and download of files (EXTENSIONS.md §7; docs/API-DECISIONS.md "Attachments"). */
@ApiTags('v1 attachments')
@ApiBearerAuth()
@Controller('api/v1')
export class AttachmentsController {
  constructor(
    private readonly attachments: AttachmentsService,
    private readonly storage: AttachmentStorage,
  ) {}

  @Post('rooms/:roomId/attachments')
  @ApiOperation({
    summary: 'Upload a file to a room (members and admins); attach it to a message with attachmentIds',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadBodyDto })
  @ApiResponse({ status: 201, type: UploadedAttachmentDto })
  @ApiResponse({ status: 413, description: 'Larger than ATTACHMENT_MAX_BYTES' })
  async upload(
    @CurrentUser() caller: Principal,
    @Param('roomId', ParseIdPipe) roomId: number,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    try {
      await reply.status(201).send(await this.attachments.upload(caller, roomId, request));
    } catch (err) {
      if (!request.raw.complete) closeAfterAnswer(request, reply, err);
      throw err;
    }
  }

  @Get('attachments/:id')
  @ApiOperation({
    summary:
      'Download (members and admins of its room once attached; before that its uploader): ETag, Range, nosniff',
  })
  @ApiProduces('application/octet-stream', 'image/png', 'image/jpeg', 'image/gif', 'image/webp')
  @ApiResponse({
    status: 200,
    description: 'The file',
    schema: { type: 'string', format: 'binary', example: '<the bytes of the file>' },
  })
  @ApiResponse({
    status: 206,
    description: 'The requested byte range (Content-Range)',
    schema: { type: 'string', format: 'binary', example: '<bytes 0-99 of the file>' },
  })
  @ApiResponse({ status: 304, description: 'If-None-Match matched the ETag' })
  async download(
    @CurrentUser() caller: Principal,
    @Param('id', ParseIdPipe) id: number,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const row = await this.attachments.forDownload(caller, id);
    await sendAttachment(request, reply, row, this.storage);
  }
}
