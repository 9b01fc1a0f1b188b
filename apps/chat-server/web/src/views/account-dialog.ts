import { h } from '../dom';
import { check, emailError, passwordError, usernameError } from '../format/rules';
import type { Session } from '../types';
import { DialogView, formErrorBox, showFormError } from './dialog';
import { clearFieldErrors, showFieldErrors } from './field-errors';

export type OwnStatus = 'online' | 'playing' | 'offline';

const STATUSES: [OwnStatus, string, string][] = [
  ['online', 'Online', 'Others see you are here'],
  ['playing', 'Playing', 'Here, but busy playing'],
  ['offline', 'Appear offline', 'Others see you as offline'],
];

export interface AccountHandlers {
  setStatus(status: OwnStatus): Promise<void>;
  saveProfile(changes: { username?: string; email?: string }): Promise<void>;
  changePassword(current: string, next: string): Promise<void>;
  logout(): void;
  /** Logs out every device; rejects (and the page stays) when the server could not be told. */
  logoutEverywhere(): Promise<void>;
}

/** "Your account": status, profile (username, e-mail), password, log out (here or everywhere). */
export class AccountDialog {
  private handlers: AccountHandlers | undefined;

  constructor(private readonly dialog: DialogView) {}

  bind(handlers: AccountHandlers): void {
    this.handlers = handlers;
  }

  show(me: Session, status: string): void {
    const on = this.handlers;
    if (!on) return;
    const statusError = formErrorBox();
    const statusSet = h(
      'fieldset',
      { class: 'choice' },
      h('legend', {}, 'Status'),
      ...STATUSES.map(([value, label, hint]) => {
        const r = h('input', { type: 'radio', name: 'status', value });
        r.checked = status === value;
        r.addEventListener('change', () => {
          statusError.hidden = true;
          on.setStatus(value).catch((err: unknown) => showFormError(statusError, err));
        });
        return h('label', {}, r, h('span', {}, h('strong', {}, label), h('small', {}, hint)));
      }),
    );
    const statusForm = h('form', { class: 'dialog-section' }, statusSet, statusError);
    statusForm.addEventListener('submit', (ev) => ev.preventDefault());

    const username = h('input', { name: 'username', value: me.username, autocomplete: 'username' });
    const email = h('input', { name: 'email', type: 'email', value: me.email ?? '', autocomplete: 'email' });
    const profile = this.form(
      'profile',
      'Profile',
      [this.field('Username', username, '3–32 letters, digits, . _ or -'), this.field('E-mail', email)],
      'Save profile',
      () => check({ username: usernameError(username.value.trim()), email: emailError(email.value.trim()) }),
      () => {
        const changes: { username?: string; email?: string } = {};
        if (username.value.trim() !== me.username) changes.username = username.value.trim();
        if (email.value.trim() !== (me.email ?? '')) changes.email = email.value.trim();
        return on.saveProfile(changes);
      },
    );

    const current = h('input', {
      name: 'currentPassword',
      type: 'password',
      autocomplete: 'current-password',
    });
    const next = h('input', { name: 'newPassword', type: 'password', autocomplete: 'new-password' });
    const password = this.form(
      'password',
      'Password',
      [
        this.field('Current password', current),
        this.field('New password', next, 'At least 8 characters. Every other session is logged out.'),
      ],
      'Change password',
      () =>
        check({
          currentPassword: current.value ? undefined : 'Enter your current password',
          newPassword: passwordError(next.value),
        }),
      async () => {
        await on.changePassword(current.value, next.value);
        current.value = '';
        next.value = '';
      },
    );

    const logout = h('button', { class: 'btn danger', type: 'button' }, 'Log out');
    logout.addEventListener('click', () => on.logout());
    const everywhereError = formErrorBox();
    const everywhere = h(
      'button',
      {
        class: 'btn danger',
        type: 'button',
        title: 'Ends every session of your account, on every device and browser',
      },
      'Log out everywhere',
    );
    everywhere.addEventListener('click', () => {
      everywhere.disabled = true;
      everywhereError.hidden = true;
      on.logoutEverywhere().catch((err: unknown) => {
        everywhere.disabled = false;
        showFormError(everywhereError, err);
      });
    });
    const close = h('button', { class: 'btn', type: 'button' }, 'Close');
    close.addEventListener('click', () => this.dialog.close());
    const content = h(
      'div',
      { class: 'dialog-form account', role: 'document' },
      h('h2', {}, 'Your account'),
      statusForm,
      profile,
      password,
      everywhereError,
      h('div', { class: 'dialog-actions' }, logout, everywhere, h('span', { class: 'spacer' }), close),
    );
    this.dialog.open(content, close);
  }

  private field(label: string, input: HTMLInputElement, hint?: string): HTMLElement {
    return h(
      'label',
      { class: 'field' },
      h('span', { class: 'field-label' }, label),
      input,
      hint ? h('small', {}, hint) : null,
    );
  }

  /** A section form: client-side checks first (field errors), then the handler; "Saved" on success. */
  private form(
    id: string,
    title: string,
    fields: HTMLElement[],
    submitLabel: string,
    validate: () => { field: string; message: string }[],
    submitted: () => Promise<void>,
  ): HTMLFormElement {
    const error = formErrorBox();
    const done = h('span', { class: 'form-notice', role: 'status' });
    const submit = h('button', { class: 'btn primary small', type: 'submit' }, submitLabel);
    const form = h(
      'form',
      { class: 'dialog-section', dataset: { formId: id }, attrs: { novalidate: '' } },
      h('h3', {}, title),
      ...fields,
      error,
      h('div', { class: 'dialog-actions' }, done, submit),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      error.hidden = true;
      done.textContent = '';
      const errors = validate();
      showFieldErrors(form, errors);
      if (errors.length) return;
      clearFieldErrors(form);
      submit.disabled = true;
      submitted().then(
        () => {
          submit.disabled = false;
          done.textContent = 'Saved';
        },
        (err: unknown) => {
          submit.disabled = false;
          showFormError(error, err);
        },
      );
    });
    return form;
  }
}
