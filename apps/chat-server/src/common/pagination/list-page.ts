import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Items of a list page when the client names no `size`: what a list costs is bounded without it. */
export const LIST_DEFAULT_SIZE = 100;
export const LIST_MAX_SIZE = 500;
export const LIST_MAX_PAGE = 100_000;

const SIZE_MESSAGE = `size must be an integer from 1 to ${LIST_MAX_SIZE}`;
const PAGE_MESSAGE = `page must be an integer from 0 to ${LIST_MAX_PAGE}`;

/** Query integers arrive as strings; only plain decimal digits are accepted. */
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;

/**
 * `?page=&size=` of the lists that used to answer everything (rooms, a user's rooms, groups,
 * channels, the admin's user list): page 0 first, in id order. Anything else in the query is a 400.
 */
export class ListPageQuery {
  @ApiPropertyOptional({ example: 0, default: 0, minimum: 0, maximum: LIST_MAX_PAGE })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: PAGE_MESSAGE })
  @Min(0, { message: PAGE_MESSAGE })
  @Max(LIST_MAX_PAGE, { message: PAGE_MESSAGE })
  page?: number;

  @ApiPropertyOptional({
    example: LIST_DEFAULT_SIZE,
    default: LIST_DEFAULT_SIZE,
    minimum: 1,
    maximum: LIST_MAX_SIZE,
  })
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: SIZE_MESSAGE })
  @Min(1, { message: SIZE_MESSAGE })
  @Max(LIST_MAX_SIZE, { message: SIZE_MESSAGE })
  size?: number;
}

/** A page as repositories read it: `limit` is one more than asked, to know whether more follow. */
export interface PageWindow {
  offset: number;
  limit: number;
  size: number;
  page: number;
}

export function pageWindow(query: ListPageQuery = {}): PageWindow {
  const page = query.page ?? 0;
  const size = query.size ?? LIST_DEFAULT_SIZE;
  return { page, size, offset: page * size, limit: size + 1 };
}

/** One page of a list, and whether a next one exists. */
export interface ListPage<T> {
  items: T[];
  page: number;
  size: number;
  hasMore: boolean;
}

/** Cuts the extra row a repository read for `hasMore`. */
export function toListPage<T>(rows: T[], window: PageWindow): ListPage<T> {
  return {
    items: rows.slice(0, window.size),
    page: window.page,
    size: window.size,
    hasMore: rows.length > window.size,
  };
}

/**
 * The answer keeps its documented shape (a plain array); the paging travels in headers:
 * `Link: <...?page=n+1&size=s>; rel="next"` (RFC 8288) while more follow, and `X-Has-More`.
 */
export function sendPage<T, V>(
  request: FastifyRequest,
  reply: FastifyReply,
  page: ListPage<T>,
  view: (item: T) => V,
): V[] {
  void reply.header('x-has-more', String(page.hasMore));
  if (page.hasMore) {
    const url = new URL(request.url, 'http://localhost');
    url.searchParams.set('page', String(page.page + 1));
    url.searchParams.set('size', String(page.size));
    void reply.header('link', `<${url.pathname}${url.search}>; rel="next"`);
  }
  return page.items.map(view);
}
