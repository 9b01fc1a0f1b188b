import { h } from '../dom';
import type { RoomType } from '../types';
import { DialogView, formErrorBox, showFormError } from './dialog';

/** "Create a channel": a name and public or private. */
export class CreateRoomDialog {
  private onCreate: (name: string, type: RoomType) => Promise<void> = async () => undefined;

  constructor(private readonly dialog: DialogView) {}

  /** Resolves once the room exists; a rejection is shown in the form. */
  bindCreate(handler: (name: string, type: RoomType) => Promise<void>): void {
    this.onCreate = handler;
  }

  show(): void {
    const name = h('input', {
      name: 'name',
      required: true,
      placeholder: 'e.g. project-x',
      autocomplete: 'off',
    });
    const publicRadio = h('input', { type: 'radio', name: 'type', value: 'PUBLIC' });
    publicRadio.checked = true;
    const privateRadio = h('input', { type: 'radio', name: 'type', value: 'PRIVATE' });
    const error = formErrorBox();
    const submit = h('button', { class: 'btn primary', type: 'submit' }, 'Create');
    const form = h(
      'form',
      { class: 'dialog-form', attrs: { method: 'dialog' } },
      h('h2', {}, 'Create a channel'),
      h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Name'), name),
      h(
        'fieldset',
        { class: 'choice' },
        h('legend', {}, 'Visibility'),
        h(
          'label',
          {},
          publicRadio,
          h('span', {}, h('strong', {}, 'Public'), h('small', {}, 'Anyone can find and join it')),
        ),
        h(
          'label',
          {},
          privateRadio,
          h('span', {}, h('strong', {}, 'Private'), h('small', {}, 'Only people you add can see it')),
        ),
      ),
      error,
      h('div', { class: 'dialog-actions' }, this.dialog.cancelButton(), submit),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const type: RoomType = privateRadio.checked ? 'PRIVATE' : 'PUBLIC';
      submit.disabled = true;
      error.hidden = true;
      this.onCreate(name.value.trim(), type).then(
        () => undefined,
        (err: unknown) => {
          submit.disabled = false;
          showFormError(error, err);
        },
      );
    });
    this.dialog.open(form, name);
  }
}
