import { h, replace } from '../dom';
import { ApiError } from '../net/api-error';

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

/** A form's error box: the server's message, its status, and each field error. */
export function showFormError(box: HTMLElement, err: unknown): void {
  box.hidden = false;
  if (err instanceof ApiError) {
    replace(
      box,
      h('strong', {}, err.message),
      err.status ? ` (${err.status})` : '',
      err.fieldErrors.length
        ? h('ul', {}, ...err.fieldErrors.map((f) => h('li', {}, `${f.field}: ${f.message}`)))
        : null,
    );
  } else {
    box.textContent = err instanceof Error ? err.message : String(err);
  }
}

export const formErrorBox = (): HTMLDivElement =>
  h('div', { class: 'form-error', role: 'alert', hidden: true });
