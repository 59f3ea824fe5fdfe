// The conversation: one listener for every quote's buttons (the HTML is re-rendered each turn).
// `element`, `trigger` and `props` are given by gr.HTML's js_on_load.
const copyText = async (text) => {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (e) {
    // no clipboard API (a non-secure origin): fall back on a selected textarea
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch (e2) { ok = false; }
    area.remove();
    return ok;
  }
};
// a permalink into the address bar (keeping dark mode): a reload reopens it; static/latest.js uses it too
window.rqShowLink = (href) => {
  const url = new URL(href, location.href);
  const now = new URLSearchParams(location.search);
  for (const keep of ['__theme', 'present']) {      // dark mode and presenter mode survive a reload
    if (now.get(keep)) url.searchParams.set(keep, now.get(keep));
  }
  history.replaceState(null, '', url.pathname + url.search + url.hash);
};
element.addEventListener('click', (ev) => {
  const open = ev.target.closest('.rq-open');
  if (open && element.contains(open)) {
    ev.preventDefault();
    const turn = open.closest('.rq-turn');
    element.querySelectorAll('.rq-quote.rq-active').forEach((q) => q.classList.remove('rq-active'));
    const card = open.closest('.rq-quote');
    if (card) {
      card.classList.add('rq-active');
      // the quote's permalink in the address bar: a reload reopens this quote in its exchange
      const link = card.querySelector('a.rq-permalink');
      if (link) window.rqShowLink(link.getAttribute('href'));
    }
    trigger('open_span', {
      turn: turn ? Number(turn.dataset.turn) : 0,
      doc: open.dataset.doc, start: Number(open.dataset.start), end: Number(open.dataset.end),
    });
    return;
  }
  const copy = ev.target.closest('.rq-copy');
  if (copy && element.contains(copy)) {
    ev.preventDefault();
    copyText(copy.dataset.copy).then((ok) => {
      copy.textContent = ok ? 'Copied ✓' : 'Copy failed';
      setTimeout(() => { copy.textContent = 'Copy citation'; }, 2500);
    });
    return;
  }
  const ref = ev.target.closest('.rq-ref');
  if (ref && element.contains(ref)) {
    ev.preventDefault();
    const quote = element.querySelector('#' + CSS.escape(ref.dataset.quote));
    if (quote) {
      quote.scrollIntoView({ block: 'center' });
      quote.classList.add('rq-flash');
      setTimeout(() => quote.classList.remove('rq-flash'), 1600);
    }
  }
});
