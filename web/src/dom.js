// A tiny DOM helper: h('button.primary', {onclick}, 'Text') and friends.

export function h(spec, attrs, ...children) {
  if (attrs === null || typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs)) {
    if (attrs !== undefined && attrs !== null) children.unshift(attrs);
    attrs = {};
  }
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag || 'div');
  if (classes.length) el.className = classes.join(' ');
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className += (el.className ? ' ' : '') + v;
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    // Through the CSSOM: the page's CSP refuses style attributes set as markup.
    else if (k === 'style') el.style.cssText = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let fieldSeq = 0;
// A labelled form control: label + input/select sharing an id.
export function field(label, control, hint) {
  const id = control.id || `f${++fieldSeq}`;
  control.id = id;
  return h('div.field', h('label', { for: id }, label), control, hint ? h('small', hint) : null);
}

export function select(name, options, value) {
  return h('select', { name },
    options.map((o) => {
      const [v, text] = Array.isArray(o) ? o : [o, o];
      return h('option', { value: v, selected: String(v) === String(value) ? true : undefined }, text);
    }));
}

export const fmt = (n, digits = 0) => {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return Number(n).toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
};

export function toast(message, kind = 'error') {
  const box = document.getElementById('toasts');
  const item = h('div.toast.' + kind, message, h('button.link', {
    'aria-label': 'Dismiss', onclick: () => item.remove() }, '×'));
  box.append(item);
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
}

// Runs an async action from a button: disables it meanwhile and shows errors as toasts.
export async function act(button, fn, success) {
  if (button) button.disabled = true;
  try {
    const out = await fn();
    if (success) toast(typeof success === 'function' ? success(out) : success, 'ok');
    return out;
  } catch (e) {
    toast(e.message || String(e));
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}
