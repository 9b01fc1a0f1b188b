import { h } from '../dom';
import { DialogView, formErrorBox, showFormError } from './dialog';
import { PeoplePicker, PeopleSearch } from './people-picker';

/** "New direct message": pick a person by name (the directory's autocomplete). */
export class NewDirectDialog {
  private onOpen: (userId: number) => Promise<void> = async () => undefined;
  private searchPeople: PeopleSearch = async () => [];

  constructor(
    private readonly dialog: DialogView,
    private readonly meId: number,
  ) {}

  /** Resolves once the conversation is open; a rejection shows in the form. */
  bindOpenDirect(handler: (userId: number) => Promise<void>): void {
    this.onOpen = handler;
  }

  bindSearchPeople(search: PeopleSearch): void {
    this.searchPeople = search;
  }

  show(): void {
    const error = formErrorBox();
    const picker = new PeoplePicker(
      (q) => this.searchPeople(q),
      (person) => void this.onOpen(person.id).catch((err: unknown) => showFormError(error, err)),
      { label: 'Name', excludeIds: [this.meId], name: 'username' },
    );
    const form = h(
      'form',
      { class: 'dialog-form' },
      h('h2', {}, 'New direct message'),
      h(
        'div',
        { class: 'field' },
        h('span', { class: 'field-label', aria: { hidden: 'true' } }, 'To'),
        picker.el,
        h('small', {}, 'Start typing a name, then pick the person.'),
      ),
      error,
      h('div', { class: 'dialog-actions' }, this.dialog.cancelButton()),
    );
    form.addEventListener('submit', (ev) => ev.preventDefault());
    this.dialog.open(form, picker.input);
  }
}
