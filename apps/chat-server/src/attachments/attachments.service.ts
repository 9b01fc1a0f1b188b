import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isForeignKeyViolation } from '../common/filters/all-exceptions.filter';
import { MAX_ID } from '../common/pipes/parse-id.pipe';
import { Principal } from '../common/principal';
import { FieldError, ValidationFailedException } from '../common/validation/validation';
import { Statement } from '../database/transaction-script';
import { AppConfig } from '../config/app-config';
import { RoomsService } from '../rooms/rooms.service';
import { safeFileName } from './attachment-files';
import { newEtag, newStorageKey, receiveUpload } from './attachment-upload';
import {
  AttachmentRow,
  AttachmentsRepository,
  attachmentUrl,
  AttachmentView,
} from './attachments.repository';
import { AttachmentStorage } from './storage/attachment-storage';

/** Uploads never attached are removed after this long (EXTENSIONS.md §7). */
export const UNATTACHED_TTL_MS = 24 * 60 * 60 * 1000;
/** At most this many attachments on one message. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;

/** The upload answer: `201 {id, roomId, name, size, contentType, url, createdAt}`. */
export interface UploadedAttachment extends AttachmentView {
  roomId: number;
  createdAt: string;
}

/** The attachments a send may attach, in the order it listed them. */
export interface AttachmentClaim {
  ids: number[];
  views: AttachmentView[];
  /** Uploads older than this cannot be attached any more (the cleanup may be removing them). */
  notBefore: Date;
}

/**
 * The rules of attachments (EXTENSIONS.md §7): who uploads, who downloads, what a send may
 * attach. HTTP details (multipart, ranges, headers) stay in attachment-upload.ts and the controller.
 */
@Injectable()
export class AttachmentsService {
  constructor(
    private readonly repository: AttachmentsRepository,
    private readonly rooms: RoomsService,
    private readonly storage: AttachmentStorage,
    private readonly config: AppConfig,
  ) {}

  private get settings() {
    return this.config.settings.attachments;
  }

  get tempDir(): string {
    return join(this.settings.dir, 'tmp');
  }

  /**
   * Streams the request's `file` part to storage and records it: members (and admins) of the
   * room only (403), unknown room 404, checked before a byte of the body is read. 400 without a
   * file part, 413 over ATTACHMENT_MAX_BYTES, 408 when the client stalls. Nothing is left behind
   * by a refused or broken upload.
   */
  async upload(caller: Principal, roomId: number, request: FastifyRequest): Promise<UploadedAttachment> {
    await this.rooms.assertCanTakePart(caller, roomId);
    const file = await receiveUpload(request, {
      tempDir: this.tempDir,
      maxBytes: this.settings.maxBytes,
      idleMs: this.settings.uploadIdleTimeoutMs,
    });
    const key = newStorageKey();
    try {
      // put removes the temporary file once stored (a rename on local disk)
      await this.storage.put(key, file.tempPath, file.size);
    } catch (err) {
      await rm(file.tempPath, { force: true });
      throw err;
    }
    const name = safeFileName(file.clientName);
    const createdAt = new Date();
    let id: number;
    try {
      id = await this.repository.insert({
        roomId,
        uploaderId: caller.id,
        storageKey: key,
        name,
        size: file.size,
        contentType: file.contentType,
        etag: newEtag(),
        createdAt,
      });
    } catch (err) {
      await this.storage.delete(key);
      // The room (or the uploader) was deleted while the file arrived.
      if (isForeignKeyViolation(err)) throw new NotFoundException(`Chat room ${roomId} not found`);
      throw err;
    }
    return {
      id,
      roomId,
      name,
      size: file.size,
      contentType: file.contentType,
      url: attachmentUrl(id),
      createdAt: createdAt.toISOString(),
    };
  }

  /**
   * The attachment `id` if the caller may download it: once attached, members and admins of its
   * room (checked on every download: a member who left is refused at once); before that, its
   * uploader alone. 404 unknown (or deleted with its message or room), 403 others, with a message
   * that tells nothing about the file.
   */
  async forDownload(caller: Principal, id: number): Promise<AttachmentRow> {
    const row = await this.repository.find(id);
    if (!row || row.roomId === null || (row.attachedAt !== null && row.messageId === null))
      throw new NotFoundException(`Attachment ${id} not found`);
    const allowed =
      row.attachedAt === null
        ? row.uploaderId === caller.id
        : await this.rooms.canSubscribe(caller, row.roomId);
    if (!allowed) throw new ForbiddenException('You may not download this attachment');
    return row;
  }

  /**
   * What a send may attach (`ids` from parseAttachmentIds): each an upload of the caller to
   * `roomId`, not attached yet and not older than 24 hours. 400 otherwise, naming no attachment:
   * the answer is the same for another room's attachment, another user's, an attached one and an
   * unknown id.
   */
  async claimable(caller: Principal, roomId: number, ids: number[]): Promise<AttachmentClaim> {
    const notBefore = new Date(Date.now() - UNATTACHED_TTL_MS);
    const rows = await this.repository.attachable(ids, caller.id, roomId, notBefore);
    if (rows.length !== ids.length) throw notAttachable();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const views = ids.map((id) => {
      const r = byId.get(id)!;
      return { id: r.id, name: r.name, size: r.size, contentType: r.contentType, url: attachmentUrl(r.id) };
    });
    return { ids, views, notBefore };
  }

  /** The statement of the send's transaction that attaches a claim (it must change every row). */
  attachStatement(
    messageId: number,
    claim: AttachmentClaim,
    uploaderId: number,
    roomId: number,
    at: Date,
  ): Statement {
    return this.repository.attachStatement(messageId, claim.ids, uploaderId, roomId, claim.notBefore, at);
  }

  /** How many attachments a message has (an edit may empty the content of a message that has some). */
  countOf(messageId: number): Promise<number> {
    return this.repository.countOf(messageId);
  }

  /** The attachments of a page of messages, in one query. */
  viewsOf(messageIds: readonly number[]): Promise<Map<number, AttachmentView[]>> {
    return this.repository.viewsOf(messageIds);
  }
}

/**
 * `attachmentIds` of a send: absent, null or [] for none; else at most 10 distinct positive ids
 * (numbers, or digit strings as the basic surface allows).
 */
export function parseAttachmentIds(value: unknown): { ids: number[]; errors: FieldError[] } {
  if (value === undefined || value === null) return { ids: [], errors: [] };
  const invalid = {
    ids: [],
    errors: [
      {
        field: 'attachmentIds',
        message: `attachmentIds must be a list of at most ${MAX_ATTACHMENTS_PER_MESSAGE} distinct attachment ids`,
      },
    ],
  };
  if (!Array.isArray(value) || value.length > MAX_ATTACHMENTS_PER_MESSAGE) return invalid;
  const ids = value.map((v: unknown) => (typeof v === 'string' && /^\d{1,10}$/.test(v) ? Number(v) : v));
  if (!ids.every((v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_ID))
    return invalid;
  if (new Set(ids).size !== ids.length) return invalid;
  return { ids, errors: [] };
}

export function notAttachable(): ValidationFailedException {
  return new ValidationFailedException([
    {
      field: 'attachmentIds',
      message: 'attachmentIds must be your own uploads to this room, not attached to a message yet',
    },
  ]);
}
