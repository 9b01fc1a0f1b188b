import type { Session } from '../types';
import { ComposerView } from './composer';
import { ConnectionView } from './connection';
import { CreateRoomDialog } from './create-room-dialog';
import { AccountDialog } from './account-dialog';
import { DesktopNotifier } from './desktop-notifier';
import { DialogView } from './dialog';
import { MembersPanelView } from './members-panel';
import { MessageListView } from './message-list';
import { NewDirectDialog } from './new-direct-dialog';
import { NotificationsPanelView } from './notifications-panel';
import { PendingSendsView } from './pending-sends';
import { paintPresence, PresenceLookup } from './presence-dot';
import { RoomHeaderView } from './room-header';
import { RoomFinderDialog } from './room-finder-dialog';
import { RoomPaneView } from './room-pane';
import { RoomSettingsDialog } from './room-settings-dialog';
import { SearchView } from './search';
import { ShellView } from './shell';
import { SidebarView } from './sidebar';
import { ThreadPanelView } from './thread-panel';
import { ToastsView } from './toasts';
import { TypingIndicatorView } from './typing-indicator';

/** Every widget of the signed-in page, laid out in the shell. */
export interface ChatViews {
  shell: ShellView;
  sidebar: SidebarView;
  connection: ConnectionView;
  header: RoomHeaderView;
  notifications: NotificationsPanelView;
  pane: RoomPaneView;
  list: MessageListView;
  pendingSends: PendingSendsView;
  typing: TypingIndicatorView;
  composer: ComposerView;
  members: MembersPanelView;
  thread: ThreadPanelView;
  dialog: DialogView;
  createRoom: CreateRoomDialog;
  newDirect: NewDirectDialog;
  toasts: ToastsView;
  desktop: DesktopNotifier;
  roomSettings: RoomSettingsDialog;
  account: AccountDialog;
  finder: RoomFinderDialog;
  search: SearchView;
  /** A user's status changed: every dot and status text of theirs follows. */
  paintPresence(userId: number, status: string): void;
}

export function createChatViews(root: HTMLElement, me: Session, presence: PresenceLookup): ChatViews {
  const connection = new ConnectionView();
  const header = new RoomHeaderView(presence);
  const notifications = new NotificationsPanelView();
  const dialog = new DialogView();
  // The pending sends sit inside the list's scroller, which keeps one "Delivered" mark across both.
  const pendingSends = new PendingSendsView(me, () => list.trimDeliveredMarks());
  const list = new MessageListView(pendingSends.el);
  const views: Omit<ChatViews, 'shell' | 'paintPresence'> = {
    sidebar: new SidebarView(me, connection.status, presence),
    connection,
    header,
    notifications,
    pane: new RoomPaneView(),
    list,
    pendingSends,
    typing: new TypingIndicatorView(),
    composer: new ComposerView(),
    members: new MembersPanelView(presence),
    thread: new ThreadPanelView(),
    dialog,
    createRoom: new CreateRoomDialog(dialog),
    newDirect: new NewDirectDialog(dialog, me.id),
    toasts: new ToastsView(),
    desktop: new DesktopNotifier(),
    roomSettings: new RoomSettingsDialog(dialog),
    account: new AccountDialog(dialog),
    finder: new RoomFinderDialog(dialog),
    search: new SearchView(),
  };
  const shell = new ShellView(root, {
    sidebar: views.sidebar.el,
    title: header.title,
    subtitle: header.subtitle,
    membersButton: header.membersButton,
    search: views.search.form,
    searchResults: views.search.panel,
    bell: notifications.bell,
    notifications: notifications.panel,
    banner: connection.banner,
    pane: views.pane.el,
    typing: views.typing.el,
    composer: views.composer.el,
    members: views.members.el,
    thread: views.thread.el,
    toasts: views.toasts.el,
    dialog: dialog.el,
  });
  return { shell, ...views, paintPresence: (userId, status) => paintPresence(root, userId, status) };
}
