import { h, replace } from '../dom';
import { ApiError } from '../net/api-error';
import { showFieldErrors } from './field-errors';

/** The one modal `<dialog>` of the page; the forms in it are their own views. */
export class DialogView {
  readonly el = h('dialog', { class: 'dialog' });

  open(content: HTMLElement, focus: HTMLElement): void {
    this.el.replaceChildren(content);
    if (!this.el.open) this.el.showModal();
    focus.focus();
  }

  close(): void {
    if (this.el.open) this.el.close();
  }

  cancelButton(): HTMLButtonElement {
    const b = h('button', { class: 'btn', type: 'button' }, 'Cancel');
    b.addEventListener('click', () => this.close());
    return b;
  }
}

/**
 * A form's error box: the server's message in words; field errors go under their fields (those
 * the form has) or into the box.
 */
export function showFormError(box: HTMLElement, err: unknown): void {
  box.hidden = false;
  if (err instanceof ApiError) {
    const form = box.closest('form');
    const rest = form ? showFieldErrors(form, err.fieldErrors) : err.fieldErrors;
    replace(
      box,
      h('strong', {}, err.message),
      rest.length ? h('ul', {}, ...rest.map((f) => h('li', {}, `${f.field}: ${f.message}`))) : null,
    );
  } else {
    box.textContent = err instanceof Error ? err.message : String(err);
  }
}

export const formErrorBox = (): HTMLDivElement =>
  h('div', { class: 'form-error', role: 'alert', hidden: true });
