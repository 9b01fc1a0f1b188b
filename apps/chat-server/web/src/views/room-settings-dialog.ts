import { h } from '../dom';
import { check, roomNameError } from '../format/rules';
import type { Room, RoomType } from '../types';
import { DialogView, formErrorBox, showFormError } from './dialog';
import { clearFieldErrors, showFieldErrors } from './field-errors';

/** "Channel settings": rename, public/private, delete (after a confirmation). */
export class RoomSettingsDialog {
  private onSave: (roomId: number, changes: { name?: string; type?: RoomType }) => Promise<void> = async () =>
    undefined;
  private onDelete: (roomId: number) => Promise<void> = async () => undefined;

  constructor(private readonly dialog: DialogView) {}

  /** Resolves when saved; a rejection shows in the form. */
  bindSave(handler: (roomId: number, changes: { name?: string; type?: RoomType }) => Promise<void>): void {
    this.onSave = handler;
  }

  bindDelete(handler: (roomId: number) => Promise<void>): void {
    this.onDelete = handler;
  }

  show(room: Room): void {
    const name = h('input', { name: 'name', value: room.name ?? '', autocomplete: 'off', required: true });
    const radio = (type: RoomType) => {
      const r = h('input', { type: 'radio', name: 'type', value: type });
      r.checked = room.type === type;
      return r;
    };
    const pub = radio('PUBLIC');
    const priv = radio('PRIVATE');
    const error = formErrorBox();
    const save = h('button', { class: 'btn primary', type: 'submit' }, 'Save');
    const remove = h('button', { class: 'btn danger', type: 'button' }, 'Delete channel');
    const form = h(
      'form',
      { class: 'dialog-form', dataset: { formId: 'room-settings' }, attrs: { novalidate: '' } },
      h('h2', {}, 'Channel settings'),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Name'), name),
      h(
        'fieldset',
        { class: 'choice' },
        h('legend', {}, 'Visibility'),
        h(
          'label',
          {},
          pub,
          h('span', {}, h('strong', {}, 'Public'), h('small', {}, 'Anyone can find and join it')),
        ),
        h(
          'label',
          {},
          priv,
          h('span', {}, h('strong', {}, 'Private'), h('small', {}, 'Only people you add can see it')),
        ),
      ),
      error,
      h(
        'div',
        { class: 'dialog-actions' },
        remove,
        h('span', { class: 'spacer' }),
        this.dialog.cancelButton(),
        save,
      ),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      error.hidden = true;
      const errors = check({ name: roomNameError(name.value) });
      if (showFieldErrors(form, errors).length || errors.length) return;
      clearFieldErrors(form);
      const changes: { name?: string; type?: RoomType } = {};
      if (name.value.trim() !== room.name) changes.name = name.value.trim();
      const type: RoomType = priv.checked ? 'PRIVATE' : 'PUBLIC';
      if (type !== room.type) changes.type = type;
      if (!changes.name && !changes.type) return this.dialog.close();
      save.disabled = true;
      this.onSave(room.id, changes).then(
        () => undefined,
        (err: unknown) => {
          save.disabled = false;
          showFormError(error, err);
        },
      );
    });
    remove.addEventListener('click', () => this.confirmDelete(room));
    this.dialog.open(form, name);
  }

  private confirmDelete(room: Room): void {
    const error = formErrorBox();
    const yes = h('button', { class: 'btn danger', type: 'submit' }, 'Delete for everyone');
    const form = h(
      'form',
      { class: 'dialog-form', role: 'alertdialog', aria: { label: `Delete ${room.name ?? 'channel'}?` } },
      h('h2', {}, `Delete #${room.name ?? ''}?`),
      h(
        'p',
        {},
        'Every message in it is deleted for everyone, and its members lose it. This cannot be undone.',
      ),
      error,
      h('div', { class: 'dialog-actions' }, this.dialog.cancelButton(), yes),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      yes.disabled = true;
      this.onDelete(room.id).then(
        () => this.dialog.close(),
        (err: unknown) => {
          yes.disabled = false;
          showFormError(error, err);
        },
      );
    });
    this.dialog.open(form, yes);
  }
}
