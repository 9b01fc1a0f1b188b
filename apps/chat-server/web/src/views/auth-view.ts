import { check, emailError, passwordError, usernameError } from '../format/rules';
import { showFieldErrors } from './field-errors';
import { h, replace } from '../dom';
import { icon } from '../icons';
import { ApiError } from '../net/api-error';

export type AuthMode = 'login' | 'register';

/** What the form holds when the user submits it. */
export interface Credentials {
  mode: AuthMode;
  username: string;
  email: string;
  password: string;
}

/**
 * Handles a submit: resolves once the user is in, rejects with the error to show. `notice` shows a
 * line of progress (e.g. "Account created").
 */
export type AuthHandler = (credentials: Credentials, notice: (text: string) => void) => Promise<void>;

/** Log in / register, with the server's messages and field errors shown as they come. */
export class AuthView {
  private mode: AuthMode = 'login';
  private onSubmit: AuthHandler = async () => undefined;

  constructor(private readonly root: HTMLElement) {}

  bindSubmit(handler: AuthHandler): void {
    this.onSubmit = handler;
  }

  render(flash?: string): void {
    const error = h('div', { class: 'form-error', role: 'alert', hidden: !flash }, flash ?? '');
    const notice = h('div', { class: 'form-notice', role: 'status', hidden: true });
    const field = (label: string, input: HTMLInputElement, hint?: string) =>
      h(
        'label',
        { class: 'field' },
        h('span', { class: 'field-label' }, label),
        input,
        hint ? h('small', {}, hint) : null,
      );
    const username = h('input', { name: 'username', autocomplete: 'username', required: true });
    const email = h('input', { name: 'email', type: 'email', autocomplete: 'email', required: true });
    const password = h('input', {
      name: 'password',
      type: 'password',
      autocomplete: this.mode === 'login' ? 'current-password' : 'new-password',
      required: true,
    });
    const submit = h(
      'button',
      { class: 'btn primary block', type: 'submit' },
      this.mode === 'login' ? 'Log in' : 'Create account',
    );
    const tab = (mode: AuthMode, label: string) =>
      h(
        'button',
        {
          class: `tab${this.mode === mode ? ' active' : ''}`,
          type: 'button',
          role: 'tab',
          aria: { selected: String(this.mode === mode) },
          on: {
            click: () => {
              this.mode = mode;
              this.render();
            },
          },
        },
        label,
      );

    const form = h(
      'form',
      { class: 'auth-form', attrs: { novalidate: '' } },
      this.mode === 'login'
        ? field('Username or email', username)
        : field('Username', username, '3–32 letters, digits, . _ or -'),
      this.mode === 'register' ? field('Email', email) : null,
      field('Password', password, this.mode === 'register' ? 'At least 8 characters' : undefined),
      error,
      notice,
      submit,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      // The server's rules, checked first: each problem under its field.
      const problems =
        this.mode === 'register'
          ? check({
              username: usernameError(username.value.trim()),
              email: emailError(email.value.trim()),
              password: passwordError(password.value),
            })
          : [];
      showFieldErrors(form, problems);
      if (problems.length) return;
      void this.submit(submit, error, notice, username.value.trim(), email.value.trim(), password.value);
    });

    replace(
      this.root,
      h(
        'div',
        { class: 'auth-screen' },
        h(
          'div',
          { class: 'auth-card' },
          h('div', { class: 'auth-brand' }, icon('logo', 'logo'), h('h1', {}, 'Chat')),
          h('p', { class: 'muted' }, 'Rooms, direct messages and presence, live.'),
          h('div', { class: 'tabs', role: 'tablist' }, tab('login', 'Log in'), tab('register', 'Register')),
          form,
        ),
      ),
    );
    this.root.className = '';
    username.focus();
  }

  private async submit(
    button: HTMLButtonElement,
    error: HTMLElement,
    notice: HTMLElement,
    username: string,
    email: string,
    password: string,
  ): Promise<void> {
    error.hidden = true;
    notice.hidden = true;
    button.disabled = true;
    try {
      await this.onSubmit({ mode: this.mode, username, email, password }, (text) => {
        notice.textContent = text;
        notice.hidden = false;
      });
    } catch (err) {
      error.hidden = false;
      if (err instanceof ApiError) {
        const form = error.closest('form');
        const rest = form ? showFieldErrors(form, err.fieldErrors) : err.fieldErrors;
        replace(
          error,
          h('strong', {}, err.message),
          rest.length ? h('ul', {}, ...rest.map((f) => h('li', {}, `${f.field}: ${f.message}`))) : null,
        );
      } else {
        error.textContent = 'Something went wrong. Please try again.';
      }
    } finally {
      button.disabled = false;
    }
  }
}
