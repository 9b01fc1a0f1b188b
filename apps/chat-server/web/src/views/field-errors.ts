import { h } from '../dom';
import type { FieldError } from '../format/rules';

/**
 * Field-level errors: each message under its field (`name` attribute), the field marked
 * `aria-invalid` and described by it. Returns the errors whose field the form does not have.
 */
export function showFieldErrors(form: HTMLFormElement, errors: FieldError[]): FieldError[] {
  clearFieldErrors(form);
  const rest: FieldError[] = [];
  for (const e of errors) {
    const input = form.querySelector<HTMLInputElement>(`[name="${CSS.escape(e.field)}"]`);
    if (!input) {
      rest.push(e);
      continue;
    }
    const id = `${form.dataset.formId ?? 'form'}-${e.field}-error`;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', id);
    (input.closest('.field') ?? input.parentElement)?.appendChild(
      h('small', { class: 'field-error', id }, e.message),
    );
  }
  const first = form.querySelector<HTMLInputElement>('[aria-invalid="true"]');
  first?.focus();
  return rest;
}

export function clearFieldErrors(form: HTMLFormElement): void {
  form.querySelectorAll('.field-error').forEach((el) => el.remove());
  form.querySelectorAll('[aria-invalid]').forEach((el) => {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  });
}
