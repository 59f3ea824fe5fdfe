// Presenter mode: one quote at a time, very large, the question on top, a QR code of the answer's link.
// On with the "Presenter mode" button or ?present=1; off with Esc or the button; ← → and
// PageUp / PageDown (what a clicker sends), the Previous and Next buttons and a swipe step through the quotes. "/" focuses the ask box anywhere.
// `element` and `watch` are given by gr.HTML's js_on_load.
const body = document.body;
let at = 0;
const slides = () => [...element.querySelectorAll('.rq-slide')];
const panelOf = () => element.closest('#rq-presenter');
const show = (n) => {
  const all = slides();
  if (!all.length) return;
  at = Math.max(0, Math.min(n, all.length - 1));
  all.forEach((s, i) => { s.hidden = i !== at; });
  const panel = panelOf();
  if (!panel) return;
  // each quote from its top (its question and citation first), unless that leaves what matched below the fold,
  // behind the ask box: then what matched is brought up to a quarter of the quote's box, which scrolls inside
  // itself (chat.css), the question and citation staying in view; the panel only where the quote does not scroll
  fit();
  element.querySelectorAll('.rq-step').forEach((b) => {
    b.disabled = Number(b.dataset.step) < 0 ? at === 0 : at === all.length - 1;
  });
  panel.scrollTo(0, 0);
  const text = all[at].querySelector('.rq-slide-text');
  if (text) text.scrollTop = 0;
  const mark = all[at].querySelector('mark.rq-match, mark.rq-turn-best');
  const bar = document.querySelector('#rq-ask-row');
  const bottom = bar ? bar.getBoundingClientRect().top : window.innerHeight;
  const bringUp = (box, floor) => {      // what matched into the upper part of `box`, `floor` px of it in view
    const top = mark.getBoundingClientRect().top - box.getBoundingClientRect().top;
    if (top + Math.min(mark.getBoundingClientRect().height, floor / 3) > floor) box.scrollTop += top - floor / 4;
  };
  if (!mark) return;
  if (text && text.scrollHeight > text.clientHeight + 1) {
    const box = text.getBoundingClientRect();
    bringUp(text, Math.min(box.bottom, bottom) - box.top);
    wholeLine(text);
  }
  bringUp(panel, bottom - panel.getBoundingClientRect().top);
};
// A quote's box scrolled to what matched opens on a whole line, not on one sliced in half at its top edge (1024x768 at
// 150 %): the line cut at the top is brought down whole.
const wholeLine = (box) => {
  if (!box.scrollTop || !document.caretRangeFromPoint) return;
  const r = box.getBoundingClientRect();
  const style = getComputedStyle(box);
  const range = document.caretRangeFromPoint(r.left + parseFloat(style.paddingLeft) + parseFloat(style.borderLeftWidth)
                                             + 4, r.top + 2);
  const line = range && box.contains(range.startContainer) ? range.getClientRects()[0] : null;
  if (line && line.top < r.top - 0.5) box.scrollTop -= Math.ceil(r.top - line.top);
};
// What does not fit the screen goes, so that nothing is drawn over the quote (at 390 px wide, or 1024x768 at 150 %,
// the key hint lay over the quote): the key hint first, then the QR code; the question, Leave, "Quote n of N", the
// citation and the quote's box, which scrolls inside itself, stay (chat.css)
const overflows = (present) => {
  const bottom = (e) => e.getBoundingClientRect().bottom;
  const over = (box, parts) => Boolean(box) && parts.length > 0 && Math.max(...parts.map(bottom)) > bottom(box) + 1;
  const body = present.querySelector('.rq-present-body');
  const slides = present.querySelector('.rq-slides');
  const slide = present.querySelector('.rq-slide:not([hidden])');
  return over(present, [...present.children]) || over(body, body ? [...body.children] : [])
    || over(slides, slide ? [...slide.children] : []);
};
// ... and where the quote's box, which scrolls, would get less than about half the screen (at 1024x768 and 150 % the key hint
// and the QR's note under it left the quote 114 px of 426)
const squeezed = (present) => {
  const text = present.querySelector('.rq-slide:not([hidden]) .rq-slide-text');
  return Boolean(text) && text.scrollHeight > text.clientHeight + 1 && text.clientHeight < present.clientHeight * 0.55;
};
const fit = () => {
  const present = element.querySelector('.rq-present');
  if (!present || !body.classList.contains('rq-presenting')) return;
  present.classList.remove('rq-tight', 'rq-tighter');
  for (const cls of ['rq-tight', 'rq-tighter']) {
    if (!overflows(present) && !squeezed(present)) break;
    present.classList.add(cls);
  }
};
if (window.ResizeObserver) new ResizeObserver(() => fit()).observe(element);
element.addEventListener('click', (ev) => {
  if (ev.target.closest && ev.target.closest('.rq-present-exit')) window.rqPresent(false);
  const step = ev.target.closest && ev.target.closest('.rq-step');
  if (step) show(at + Number(step.dataset.step));
});
// a swipe across the quote steps too: leftwards to the next, rightwards to the previous (mostly sideways, 50 px at least)
let touched = null;
element.addEventListener('touchstart', (ev) => {
  touched = ev.touches.length === 1 ? [ev.touches[0].clientX, ev.touches[0].clientY] : null;
}, { passive: true });
element.addEventListener('touchend', (ev) => {
  if (!touched || !ev.changedTouches.length) return;
  const dx = ev.changedTouches[0].clientX - touched[0], dy = ev.changedTouches[0].clientY - touched[1];
  touched = null;
  if (Math.abs(dx) >= 50 && Math.abs(dx) > 2 * Math.abs(dy)) show(at + (dx < 0 ? 1 : -1));
}, { passive: true });
window.rqPresent = (on) => {
  const next = on === undefined ? !body.classList.contains('rq-presenting') : Boolean(on);
  body.classList.toggle('rq-presenting', next);
  const panel = panelOf();
  if (panel) {
    panel.classList.toggle('rq-on', next);
    // a region that scrolls must be reachable by keyboard: focusable, named, focused when shown
    panel.setAttribute('tabindex', next ? '0' : '-1');
    panel.setAttribute('role', 'region');
    panel.setAttribute('aria-label', 'Presenter mode: one quote at a time');
    // each time it is shown, the quote scrolled to what matched (show): opened with the button, slide 1 was shown
    // from its top, its marked sentences 300 px below its box's fold at 1024x768 and 150 %
    if (next) { show(at); panel.focus({ preventScroll: true }); }
  }
  const url = new URL(location.href);
  if (next) url.searchParams.set('present', '1'); else url.searchParams.delete('present');
  history.replaceState(null, '', url.pathname + url.search + url.hash);
  document.querySelectorAll('#rq-present-toggle').forEach((b) => b.setAttribute('aria-pressed', String(next)));
};
document.addEventListener('keydown', (ev) => {
  const typing = ev.target.closest && ev.target.closest('input, textarea, select, [contenteditable="true"]');
  if (ev.key === '/' && !typing) {
    ev.preventDefault();
    const box = document.querySelector('#rq-question textarea');
    if (box) box.focus();
    return;
  }
  if (!body.classList.contains('rq-presenting')) return;
  if (ev.key === 'Escape') {      // (from the ask box too: Esc types nothing; and it does no more: source.js)
    ev.preventDefault();
    window.rqPresent(false);
    return;
  }
  if (ev.key === 'Tab') {
    // Tab goes round the slides and the ask bar, never into the chat hidden under them (28 stops Enter acted on)
    const stops = [panelOf(), ...document.querySelectorAll('#rq-presenter :is(a[href], button, summary, [tabindex]), '
      + '#rq-ask-row :is(a[href], button, textarea, input, select, [tabindex])')]
      .filter((e) => e && e.tabIndex >= 0 && !e.disabled && !e.closest('[hidden], #rq-jump') && e.getClientRects().length);
    const i = stops.indexOf(document.activeElement);
    const next = stops[(i < 0 ? (ev.shiftKey ? 0 : -1) : i) + (ev.shiftKey ? -1 : 1)] || stops[ev.shiftKey ? stops.length - 1 : 0];
    if (next) { ev.preventDefault(); next.focus(); }
    return;
  }
  if (typing) return;
  if (ev.key === 'ArrowRight' || ev.key === 'PageDown') { ev.preventDefault(); show(at + 1); }
  else if (ev.key === 'ArrowLeft' || ev.key === 'PageUp') { ev.preventDefault(); show(at - 1); }
});
watch('value', () => {
  show(0);
  // the answer came while the emptied ask box held the focus: hand it to the slides, so that the clicker steps
  // through the new quotes at once (a box with a next question being typed keeps it)
  const box = document.querySelector('#rq-question textarea');
  const panel = panelOf();
  if (body.classList.contains('rq-presenting') && box && document.activeElement === box && !box.value.trim()
      && panel) {
    box.blur();
    panel.focus({ preventScroll: true });
  }
});
if (new URLSearchParams(location.search).get('present') === '1') window.rqPresent(true);
// Large type (the "Large type" button, or ?large=1 in the address, which a reload and a permalink keep): every size of
// the page's own a quarter larger (chat.css), for the back of a room without presenter mode's one quote at a time
window.rqLarge = (on) => {
  const root = document.documentElement;
  const next = on === undefined ? !root.classList.contains('rq-large') : Boolean(on);
  root.classList.toggle('rq-large', next);
  const url = new URL(location.href);
  if (next) url.searchParams.set('large', '1'); else url.searchParams.delete('large');
  history.replaceState(null, '', url.pathname + url.search + url.hash);
  document.querySelectorAll('#rq-large-toggle').forEach((b) => b.setAttribute('aria-pressed', String(next)));
};
window.rqLarge(new URLSearchParams(location.search).get('large') === '1');
// (the button is drawn after this runs: a page opened with ?large=1 was large, its button not pressed)
const rqLargeMark = () => {
  const buttons = document.querySelectorAll('#rq-large-toggle');
  const on = String(document.documentElement.classList.contains('rq-large'));
  buttons.forEach((b) => b.setAttribute('aria-pressed', on));
  return buttons.length > 0;
};
if (!rqLargeMark()) {
  const watch = new MutationObserver(() => { if (rqLargeMark()) watch.disconnect(); });
  watch.observe(document.documentElement, { childList: true, subtree: true });
}
