import { Api } from './net/api';
import { AuthView } from './views/auth-view';
import { App } from './app';
import { isObject, Session } from './types';

// The session lives in localStorage, so every tab of this browser is logged in, and it is never a
// cookie (so no CSRF surface). Script on the page could read it: the page allows no script but
// its own bundle (see the README's "Where the session lives"). Logging out in one tab ends it in
// all of them (the `storage` event).
const SESSION_KEY = 'chat.session';
const FLASH_KEY = 'chat.flash';
/** How long a refused token waits for another tab of this browser to store a new one. */
const SIBLING_TAB_GRACE_MS = 1500;

/** SockJS transport names accepted in `?transport=` (comma-separated), e.g. `xhr-streaming`. */
const TRANSPORTS = new Set([
  'websocket',
  'xhr-streaming',
  'xdr-streaming',
  'eventsource',
  'iframe-eventsource',
  'htmlfile',
  'iframe-htmlfile',
  'xhr-polling',
  'xdr-polling',
  'iframe-xhr-polling',
  'jsonp-polling',
]);

function loadSession(): Session | undefined {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    const value: unknown = raw ? JSON.parse(raw) : undefined;
    if (
      isObject(value) &&
      typeof value.token === 'string' &&
      typeof value.id === 'number' &&
      typeof value.username === 'string'
    ) {
      return value as unknown as Session;
    }
  } catch {
    // A damaged entry is the same as none.
  }
  return undefined;
}

function transportsFromUrl(): string[] | undefined {
  const value = new URLSearchParams(location.search).get('transport');
  const list = (value ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => TRANSPORTS.has(t));
  return list.length ? list : undefined;
}

const root = document.getElementById('root') as HTMLElement;
let session = loadSession();

/** Ends the session: back to the login screen, with a message when it was not the user's choice. */
function endSession(message?: string): void {
  localStorage.removeItem(SESSION_KEY);
  session = undefined;
  if (message) {
    sessionStorage.setItem(FLASH_KEY, message);
    location.reload();
  } else {
    // Drop the room from the URL too: the next person to log in here starts fresh.
    location.replace(location.pathname + location.search);
  }
}

let refusing = false;

/**
 * The server refused this page's token (REST 401, or the live connection's ERROR). When another tab
 * of this browser changed the password, it stores the new token in a moment (the server closes this
 * tab's connection as it answers that tab): take it (reload) instead of logging every tab out.
 */
function tokenRefused(message: string): void {
  if (refusing) return;
  refusing = true;
  const refused = session?.token;
  window.setTimeout(() => {
    const latest = loadSession();
    if (latest && latest.token !== refused) location.reload();
    else endSession(`Your session has ended (${message}). Please log in again.`);
  }, SIBLING_TAB_GRACE_MS);
}

const api = new Api(() => session?.token, tokenRefused);

// Another tab logged out (or in as someone else): this one follows.
window.addEventListener('storage', (ev) => {
  if (ev.key !== SESSION_KEY && ev.key !== null) return;
  const next = loadSession();
  if (next?.token !== session?.token) location.reload();
});

function startChat(s: Session): void {
  new App(root, api, s, {
    transports: transportsFromUrl(),
    logout: endSession,
    tokenRefused,
    // The session changed in place (a new token, username or e-mail): every tab takes it.
    saveSession: () => localStorage.setItem(SESSION_KEY, JSON.stringify(s)),
  }).start();
}

if (session) {
  startChat(session);
} else {
  const flash = sessionStorage.getItem(FLASH_KEY) ?? undefined;
  sessionStorage.removeItem(FLASH_KEY);
  const auth = new AuthView(root);
  auth.bindSubmit(async ({ mode, username, email, password }, notice) => {
    if (mode === 'register') {
      await api.register(username, email, password);
      notice('Account created. Logging you in…');
    }
    const s = await api.login(username, password);
    session = {
      token: s.token,
      id: s.id,
      username: s.username,
      email: s.email ?? null,
      roles: s.roles ?? [],
    };
    localStorage.setItem(SESSION_KEY, JSON.stringify(session));
    startChat(session);
  });
  auth.render(flash);
}
