import { BadRequestException, Injectable } from '@nestjs/common';
import { isAdmin, Principal } from '../../common/principal';
import { isWellFormedText } from '../../common/validation/json-input';
import { ValidationFailedException } from '../../common/validation/validation';
import { RoomsService } from '../../rooms/rooms.service';
import { MessageView, toMessageView } from '../message-view';
import { parseSearchTerms } from './search-terms';
import { SearchRepository } from './search.repository';

export const MAX_QUERY_LENGTH = 200;
export const DEFAULT_SEARCH_SIZE = 20;
export const MAX_SEARCH_SIZE = 100;

export interface SearchRequest {
  q: string;
  roomId?: number;
  senderId?: number;
  before?: number;
  size?: number;
}

/**
 * Message search (EXTENSIONS.md §6): the caller's rooms now (admins too), or one room it may
 * read (admins: any); newest first, paged by `before`. Privacy does not rest on the room check:
 * without an admin's `roomId` the query itself joins the caller's current memberships.
 */
@Injectable()
export class SearchService {
  constructor(
    private readonly search: SearchRepository,
    private readonly rooms: RoomsService,
  ) {}

  async find(caller: Principal, request: SearchRequest): Promise<MessageView[]> {
    const q = request.q.trim();
    const length = [...q].length;
    if (length < 1 || length > MAX_QUERY_LENGTH || !isWellFormedText(q))
      throw new ValidationFailedException([
        { field: 'q', message: `q must be 1-${MAX_QUERY_LENGTH} characters (after trimming)` },
      ]);
    const terms = parseSearchTerms(q);
    if (!terms.length)
      throw new ValidationFailedException([
        { field: 'q', message: 'q must contain at least one word (letters or digits)' },
      ]);
    if (request.roomId !== undefined) await this.rooms.assertCanTakePart(caller, request.roomId);
    const query = await this.search.engineQuery(terms);
    if (!query) throw new BadRequestException(await this.unindexableMessage());
    const parts = await this.search.search(query, {
      // An admin reads any room it names; everyone else only where it is a member now.
      memberId: request.roomId !== undefined && isAdmin(caller) ? undefined : caller.id,
      roomId: request.roomId,
      senderId: request.senderId,
      before: request.before,
      size: request.size ?? DEFAULT_SEARCH_SIZE,
    });
    return parts.map(toMessageView);
  }

  private async unindexableMessage(): Promise<string> {
    const limits = await this.search.fulltextLimits();
    return (
      'q has no word the search index holds: add a word of ' +
      `${limits?.minToken ?? 1}-${limits?.maxToken ?? 84} characters that is not a stop word ` +
      '(such as "the", "with", "about"), or a prefix such as ab*'
    );
  }
}
