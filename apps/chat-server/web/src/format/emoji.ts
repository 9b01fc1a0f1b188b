/** Slack-style shortcodes the composer turns into emoji as soon as the closing colon is typed. */
export const EMOJI: Readonly<Record<string, string>> = {
  smile: '😄',
  grin: '😁',
  joy: '😂',
  rofl: '🤣',
  wink: '😉',
  blush: '😊',
  heart_eyes: '😍',
  thinking: '🤔',
  neutral_face: '😐',
  sweat_smile: '😅',
  cry: '😢',
  sob: '😭',
  angry: '😠',
  scream: '😱',
  sunglasses: '😎',
  upside_down: '🙃',
  shrug: '🤷',
  wave: '👋',
  clap: '👏',
  pray: '🙏',
  muscle: '💪',
  ok_hand: '👌',
  raised_hands: '🙌',
  eyes: '👀',
  thumbsup: '👍',
  '+1': '👍',
  thumbsdown: '👎',
  '-1': '👎',
  heart: '❤️',
  broken_heart: '💔',
  fire: '🔥',
  sparkles: '✨',
  star: '⭐',
  tada: '🎉',
  rocket: '🚀',
  party_popper: '🎉',
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  warning: '⚠️',
  bulb: '💡',
  coffee: '☕',
  beer: '🍺',
  pizza: '🍕',
  cake: '🍰',
  bug: '🐛',
  zap: '⚡',
  100: '💯',
  hourglass: '⌛',
  calendar: '📅',
  memo: '📝',
  point_up: '☝️',
  point_right: '👉',
  sun: '☀️',
  rainbow: '🌈',
  skull: '💀',
};

const SHORTCODE = /:([a-z0-9_+-]{1,32}):/g;

/**
 * `text` with every known `:shortcode:` replaced; `caret` (a position in `text`) moved to where
 * the same character is afterwards. Unknown shortcodes stay as typed.
 */
export function replaceShortcodes(text: string, caret = text.length): { text: string; caret: number } {
  let shift = 0;
  const out = text.replace(SHORTCODE, (match: string, name: string, at: number) => {
    const emoji = EMOJI[name];
    if (!emoji) return match;
    if (at + match.length <= caret) shift += emoji.length - match.length;
    return emoji;
  });
  return { text: out, caret: caret + shift };
}
