import { avatar, h } from '../dom';
import type { UserRef } from '../types';
import { DialogView, formErrorBox, showFormError } from './dialog';
import { PresenceLookup, presenceDot } from './presence-dot';

/** People to pick from: the open room's members but the user. */
export interface DirectCandidates {
  roomName: string;
  people: UserRef[];
}

/** "New direct message": a user id, or one of the open room's members. */
export class NewDirectDialog {
  private onOpen: (userId: number) => Promise<void> = async () => undefined;

  constructor(
    private readonly dialog: DialogView,
    private readonly meId: number,
    private readonly presence: PresenceLookup,
  ) {}

  /** Resolves once the conversation is open; a rejection shows in the form. */
  bindOpenDirect(handler: (userId: number) => Promise<void>): void {
    this.onOpen = handler;
  }

  show(candidates: DirectCandidates): void {
    const input = h('input', {
      name: 'userId',
      required: true,
      placeholder: 'User id, e.g. 42',
      attrs: { inputmode: 'numeric' },
      autocomplete: 'off',
    });
    const error = formErrorBox();
    const submit = h('button', { class: 'btn primary', type: 'submit' }, 'Start conversation');
    const open = (userId: number) => this.onOpen(userId);
    const { people } = candidates;
    const pick = people.length
      ? h(
          'div',
          { class: 'pick' },
          h('h4', {}, `People in ${candidates.roomName}`),
          h(
            'ul',
            { class: 'member-list' },
            ...people.map((m) => {
              const b = h(
                'button',
                { class: 'member pick-member', type: 'button' },
                h(
                  'span',
                  { class: 'avatar-wrap' },
                  avatar(m.username, m.id),
                  presenceDot(m.id, this.presence(m.id)),
                ),
                h('span', { class: 'member-name' }, m.username),
              );
              b.addEventListener(
                'click',
                () => void open(m.id).catch((err: unknown) => showFormError(error, err)),
              );
              return h('li', {}, b);
            }),
          ),
        )
      : h('p', { class: 'muted small' }, 'Tip: open a room and its members appear here to pick from.');
    const form = h(
      'form',
      { class: 'dialog-form' },
      h('h2', {}, 'New direct message'),
      h(
        'label',
        { class: 'field' },
        h('span', { class: 'field-label' }, 'User id'),
        input,
        h('small', {}, `Ask them for the number next to their name (yours is #${this.meId}).`),
      ),
      pick,
      error,
      h('div', { class: 'dialog-actions' }, this.dialog.cancelButton(), submit),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const id = Number(input.value.trim().replace(/^#/, ''));
      if (!Number.isInteger(id) || id <= 0) {
        showFormError(error, new Error('Enter a user id (a positive number).'));
        return;
      }
      submit.disabled = true;
      open(id).then(
        () => undefined,
        (err: unknown) => {
          submit.disabled = false;
          showFormError(error, err);
        },
      );
    });
    this.dialog.open(form, input);
  }
}
