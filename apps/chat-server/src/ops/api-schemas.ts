import { applyDecorators } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

/** OpenAPI twin of the login answer (`LoginResult` in auth.service.ts), both surfaces. */
export class LoginResultSchema {
  @ApiProperty({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl' })
  token!: string;
  @ApiProperty({ example: 'Bearer', enum: ['Bearer'] }) type!: 'Bearer';
  @ApiProperty({ example: 1 }) id!: number;
  @ApiProperty({ example: 'newuser' }) username!: string;
  @ApiProperty({ example: 'newuser@example.com', nullable: true, type: String }) email!: string | null;
  @ApiProperty({ example: ['ROLE_USER'], isArray: true, enum: ['ROLE_USER', 'ROLE_ADMIN'] }) roles!: string[];
}

/** `{ "message": "..." }`, the basic surface's confirmation body. */
export class MessageBodySchema {
  @ApiProperty({ example: 'User deleted successfully.' }) message!: string;
}

/** Liveness answer of `GET /health`. */
export class LivenessSchema {
  @ApiProperty({ example: 'ok', enum: ['ok'] }) status!: 'ok';
  @ApiProperty({ example: 12.3 }) uptimeSeconds!: number;
}

/** Readiness answer of `GET /health/ready` (Terminus' format). */
export class ReadinessSchema {
  @ApiProperty({ example: 'ok', enum: ['ok', 'error', 'shutting_down'] }) status!: string;
  @ApiPropertyOptional({
    example: { database: { status: 'up' }, migrations: { status: 'up', pending: 0 } },
    description: 'Checks that are up',
  })
  info?: Record<string, unknown>;
  @ApiPropertyOptional({ example: {}, description: 'Checks that are down, with their message' })
  error?: Record<string, unknown>;
  @ApiPropertyOptional({ example: { database: { status: 'up' } }, description: 'Every check' })
  details?: Record<string, unknown>;
}

/** A success answer whose body is plain text (the v1 surface's confirmation strings). */
export function ApiTextResponse(
  status: number,
  example: string,
  description = 'Confirmation text',
): MethodDecorator {
  return applyDecorators(
    ApiResponse({
      status,
      description,
      content: { 'text/plain': { schema: { type: 'string', example } } },
    }),
  );
}

/** `200` with the Prometheus text exposition format. */
export function ApiPrometheusResponse(): MethodDecorator {
  return applyDecorators(
    ApiOkResponse({
      description: 'Prometheus text exposition format 0.0.4',
      content: {
        'text/plain': {
          schema: {
            type: 'string',
            example:
              '# TYPE http_requests_total counter\nhttp_requests_total{method="GET",route="/api/v1/rooms",status_code="200"} 42\n',
          },
        },
      },
    }),
  );
}

/** The paging headers of a list page (docs/API-DECISIONS.md, "Paged lists"). */
export const PAGE_HEADERS = {
  Link: {
    description: 'RFC 8288 `<...?page=n&size=s>; rel="next"` while more pages follow',
    schema: { type: 'string' },
  },
  'X-Has-More': { description: '`true` while more pages follow, else `false`', schema: { type: 'string' } },
};
