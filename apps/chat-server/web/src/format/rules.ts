// The server's input rules (users/dto/user-input.dto.ts, rooms/dto/room-input.dto.ts), checked
// before sending so a form can say what is wrong beside the field. The server checks them again.

export interface FieldError {
  field: string;
  message: string;
}

const USERNAME = /^[A-Za-z0-9_.-]{3,32}$/;
// The shape class-validator's IsEmail accepts in practice: something@domain.tld, no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/;

export function usernameError(value: string): string | undefined {
  return USERNAME.test(value) ? undefined : "3–32 characters: letters, digits, '_', '.' or '-'";
}

export function emailError(value: string): string | undefined {
  if (!value) return 'Enter your e-mail address';
  if (value.length > 254) return 'At most 254 characters';
  return EMAIL.test(value) ? undefined : 'Enter a valid e-mail address, like name@example.com';
}

export function passwordError(value: string): string | undefined {
  return value.length >= 8 && value.length <= 128 ? undefined : '8–128 characters';
}

export function roomNameError(value: string): string | undefined {
  const name = value.trim();
  if (!name) return 'Give the channel a name';
  return [...name].length > 100 ? 'At most 100 characters' : undefined;
}

/** The checks of one form: each failing field with its message, in order. */
export function check(rules: Record<string, string | undefined>): FieldError[] {
  return Object.entries(rules)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([field, message]) => ({ field, message }));
}

/** Words for an HTTP status, when the server gave no message of its own. */
export function statusWords(status: number): string {
  if (status === 0) return 'Cannot reach the server. Check your connection and try again.';
  if (status === 400) return 'That was not accepted: check what you entered.';
  if (status === 401) return 'Your session has ended. Please log in again.';
  if (status === 403) return 'You are not allowed to do that.';
  if (status === 404) return 'That no longer exists.';
  if (status === 409) return 'That is already taken.';
  if (status === 413) return 'That is too large.';
  if (status === 429) return 'Too many attempts. Wait a moment and try again.';
  if (status >= 500) return 'The server had a problem. Try again in a moment.';
  return 'Something went wrong. Try again.';
}
