// The source panel: bring the highlighted span into view whenever a new exchange is shown, scrolling the panel
// itself (scrollIntoView scrolls every scrolling ancestor, the page too: a click on a later answer's quote took the
// page back to the first answer); where the panel does not scroll (a phone's column, the panel below the answers),
// the page brings it into view. A panel that scrolls is reachable by keyboard: focusable and named.
// In one column (a 1024x768 projector at 150 %, a phone) the panel lies below every answer, thousands of pixels
// down: a click on a quote's number seemed to do nothing. The page scrolls to the panel, the focus goes with it (from
// the quote's button that opened it), and its "Back to the quote" returns both.
const bar = () => {
  const row = document.querySelector('#rq-ask-row');
  return row ? row.getBoundingClientRect().top : window.innerHeight;
};
const show = () => {
  const mark = element.querySelector('mark.rq-hl');
  const panel = element.closest('#rq-source');
  if (panel && !panel.hasAttribute('tabindex')) {
    panel.tabIndex = 0;
    panel.setAttribute('role', 'region');
    panel.setAttribute('aria-label', 'The quote in its context');
  }
  if (!mark) return;
  const opener = document.activeElement && document.activeElement.closest
    && document.activeElement.closest('#rq-conversation .rq-open');
  let moved = false;
  if (panel) {
    const r = panel.getBoundingClientRect();
    if (r.top >= bar() - 40 || r.bottom <= 40) {       // out of sight: below the answers (one column), or above
      window.scrollBy(0, r.top - 8);
      moved = true;
    }
  }
  if (panel && panel.scrollHeight > panel.clientHeight + 1 && getComputedStyle(panel).overflowY !== 'visible') {
    const at = mark.getBoundingClientRect(), box = panel.getBoundingClientRect();
    panel.scrollTop += at.top - box.top - (panel.clientHeight - Math.min(at.height, panel.clientHeight)) / 2;
  } else {
    mark.scrollIntoView({ block: 'center' });
  }
  if (moved && opener && panel) {
    panel.focus({ preventScroll: true });
  } else if (!moved) {
    // beside the answers (two columns): the panel's appearing narrowed them, the quote opened stays in view
    const card = document.querySelector('#rq-conversation .rq-quote.rq-active');
    if (card) {
      const r = card.getBoundingClientRect();
      if (r.top < 0 || r.top > bar() - 40) card.scrollIntoView({ block: 'center' });
    }
  }
};
element.addEventListener('click', (ev) => {
  if (!ev.target.closest('.rq-back')) return;
  ev.preventDefault();
  const src = element.querySelector('.rq-source');
  const cards = [...document.querySelectorAll('#rq-conversation .rq-quote')];
  const card = document.querySelector('#rq-conversation .rq-quote.rq-active')
    || (src && cards.reverse().find((c) => c.dataset.doc === src.dataset.doc && c.dataset.start === src.dataset.start
      && c.dataset.end === src.dataset.end));
  const open = card && card.querySelector('.rq-open');
  if (open) {
    open.scrollIntoView({ block: 'center' });       // (its number: a long quote's card is taller than the screen)
    open.focus({ preventScroll: true });
  }
});
// Escape closes the panel (its column; the answers get the width back) and returns the focus to the quote that opened
// it: not while presenting (Esc leaves presenter mode), nor from a box being typed in or a list being chosen from
const column = () => element.closest('#rq-source-col');
document.addEventListener('keydown', (ev) => {
  if (ev.key !== 'Escape' || ev.defaultPrevented || document.body.classList.contains('rq-presenting')) return;
  const typing = ev.target.closest && ev.target.closest('input, textarea, select, [contenteditable="true"]');
  const col = column();
  if (typing || !col || col.classList.contains('rq-closed')
      || !element.querySelector('.rq-source:not(.rq-source-empty)')) return;
  const card = document.querySelector('#rq-conversation .rq-quote.rq-active');
  col.classList.add('rq-closed');
  if (card) {
    card.classList.remove('rq-active');
    const open = card.querySelector('.rq-open');
    if (open) {
      open.scrollIntoView({ block: 'center' });
      open.focus({ preventScroll: true });
    }
  }
});
// a quote opened again (the same one too, whose panel's value does not change) shows the panel again
document.addEventListener('click', (ev) => {
  const col = column();
  if (col && ev.target.closest && ev.target.closest('#rq-conversation .rq-open')) col.classList.remove('rq-closed');
}, true);
watch('value', show);
show();
