import type { Api } from '../net/api';
import type { Live } from '../net/live';
import type { MessagesState } from '../state/messages';
import type { NotificationsState } from '../state/notifications';
import type { PendingSends } from '../state/pending-sends';
import type { PresenceState } from '../state/presence';
import type { ReadState } from '../state/read-state';
import type { RoomsState } from '../state/rooms';
import type { SearchState } from '../state/search';
import type { StagedUploads } from '../state/uploads';
import type { OwnTyping, TypingState } from '../state/typing';
import type { Session } from '../types';
import type { ChatViews } from '../views/chat-page';

/** The page's state: only controllers change it, then tell the views. */
export interface ChatState {
  rooms: RoomsState;
  messages: MessagesState;
  pending: PendingSends;
  presence: PresenceState;
  typing: TypingState;
  ownTyping: OwnTyping;
  notifications: NotificationsState;
  search: SearchState;
  read: ReadState;
  uploads: StagedUploads;
}

/** What every controller works with. */
export interface ChatContext {
  me: Session;
  isAdmin: boolean;
  api: Api;
  live: Live;
  state: ChatState;
  views: ChatViews;
}
