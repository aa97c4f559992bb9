// A form that sends one command: shows the server's refusal in words under
// the form, a short message when saved, then calls `onSaved` (usually a
// re-render). Shared by every view that changes something.
import { errorBox, h, mount, toast } from './dom.js';

// send(body) -> Promise; toBody(FormData) -> body; explain(err) -> Error to
// show instead (e.g. a 412 in words). `title` heads the form and names its
// button; `heading` (an element) heads it instead, and `attrs` are the
// form's own (class, dataset).
export function commandForm({ title, id, controls, toBody, send, saved = 'Saved', onSaved = () => {}, explain = (e) => e,
                              heading = h('h3', {}, title), attrs = {} }) {
  const message = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'card command', id, ...attrs },
    heading, controls, h('button', { type: 'submit' }, title), message);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await send(toBody(new FormData(form)));
      mount(message);
      form.reset();
      // Said once the page shows the change (onSaved usually redraws it).
      await onSaved();
      toast(`${saved}.`);
    } catch (err) {
      mount(message, errorBox(explain(err)));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

// A ticked confirmation for an irreversible step.
export function confirmBox(id, text) {
  return h('div', { class: 'field checkbox' }, h('input', { type: 'checkbox', name: 'confirm', id, required: true }),
    h('label', { for: id }, text));
}
