import { ApiProperty } from '@nestjs/swagger';

/** An attachment as a message shows it (`attachments` of the message view). */
export class AttachmentDto {
  @ApiProperty({ example: 12 }) id!: number;
  @ApiProperty({
    example: 'diagram.png',
    description: 'The file name without any path, at most 255 characters',
  })
  name!: string;
  @ApiProperty({ example: 48213, description: 'Bytes' }) size!: number;
  @ApiProperty({
    example: 'image/png',
    description:
      'Decided from the bytes: image/png, image/jpeg, image/gif, image/webp, else application/octet-stream',
  })
  contentType!: string;
  @ApiProperty({ example: '/api/v1/attachments/12', description: 'Download (bearer token required)' })
  url!: string;
}

/** `POST /api/v1/rooms/{roomId}/attachments` answer. */
export class UploadedAttachmentDto extends AttachmentDto {
  @ApiProperty({ example: 101 }) roomId!: number;
  @ApiProperty({ example: '2026-11-21T10:55:00.000Z' }) createdAt!: string;
}

/** The multipart body of an upload (for the API docs). */
export class UploadBodyDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'The file (one part named "file")' })
  file!: unknown;
}
