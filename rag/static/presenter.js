// Presenter mode: one quote at a time, very large, the question on top, a QR code of the answer's link.
// On with the "Presenter mode" button or ?present=1; off with Esc or the button; ← → and
// PageUp / PageDown (what a clicker sends) step through the quotes. "/" focuses the ask box anywhere.
// `element` and `watch` are given by gr.HTML's js_on_load.
const body = document.body;
let at = 0;
const slides = () => [...element.querySelectorAll('.rq-slide')];
const show = (n) => {
  const all = slides();
  if (!all.length) return;
  at = Math.max(0, Math.min(n, all.length - 1));
  all.forEach((s, i) => { s.hidden = i !== at; });
};
window.rqPresent = (on) => {
  const next = on === undefined ? !body.classList.contains('rq-presenting') : Boolean(on);
  body.classList.toggle('rq-presenting', next);
  const panel = element.closest('#rq-presenter');
  if (panel) {
    panel.classList.toggle('rq-on', next);
    // a region that scrolls must be reachable by keyboard: focusable, named, focused when shown
    panel.setAttribute('tabindex', next ? '0' : '-1');
    panel.setAttribute('role', 'region');
    panel.setAttribute('aria-label', 'Presenter mode: one quote at a time');
    if (next) { panel.scrollTo(0, 0); panel.focus({ preventScroll: true }); }
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
  if (!body.classList.contains('rq-presenting') || typing) return;
  if (ev.key === 'ArrowRight' || ev.key === 'PageDown') { ev.preventDefault(); show(at + 1); }
  else if (ev.key === 'ArrowLeft' || ev.key === 'PageUp') { ev.preventDefault(); show(at - 1); }
  else if (ev.key === 'Escape') { window.rqPresent(false); }
});
watch('value', () => show(0));
if (new URLSearchParams(location.search).get('present') === '1') window.rqPresent(true);
