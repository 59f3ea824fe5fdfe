// The conversation: one listener for every quote's buttons (the HTML is re-rendered each turn).
// `element`, `trigger` and `props` are given by gr.HTML's js_on_load.
// A citation goes on the clipboard twice (render.citation_html): as HTML, which a notes app, a word processor or an email
// takes, showing the document's characters as they are; and as Markdown-escaped plain text, for a plain-text editor,
// where it makes no link or HTML (render.quote_citation)
const copyText = async (text, html) => {
  try {
    if (html && window.ClipboardItem && navigator.clipboard.write) {
      await navigator.clipboard.write([new ClipboardItem({
        'text/plain': new Blob([text], { type: 'text/plain' }), 'text/html': new Blob([html], { type: 'text/html' }) })]);
    } else {
      await navigator.clipboard.writeText(text);
    }
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
  for (const keep of ['__theme', 'present', 'large']) {     // dark mode, presenter mode, large type survive a reload
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
    // (its own label back after: "Copy citation" or "Copy marked sentences", kept from before the first click)
    if (!copy.dataset.label) copy.dataset.label = copy.textContent;
    copyText(copy.dataset.copy, copy.dataset.copyHtml).then((ok) => {
      copy.textContent = ok ? 'Copied ✓' : 'Copy failed';
      setTimeout(() => { copy.textContent = copy.dataset.label; }, 2500);
    });
    return;
  }
  const ref = ev.target.closest('.rq-ref');
  if (ref && element.contains(ref)) {
    ev.preventDefault();
    const quote = element.querySelector('#' + CSS.escape(ref.dataset.quote));
    if (quote) {
      quote.scrollIntoView({ block: 'center' });
      // and the keyboard goes with the eye: the quote's number button, from which Tab reaches its buttons
      const open = quote.querySelector('.rq-open');
      if (open) open.focus({ preventScroll: true });
      quote.classList.add('rq-flash');
      setTimeout(() => quote.classList.remove('rq-flash'), 1600);
    }
  }
});
// A grounded summary's fragments (render.fragment_html): pointing at one, or focusing it with the
// keyboard, highlights the same words in its quote (<mark class="rq-frag-hl">, taken away after).
const quoteOf = (frag) => {
  const card = element.querySelector('#' + CSS.escape(frag.dataset.target));
  return card ? [card, card.querySelector('.rq-text')] : [null, null];
};
const unmark = () => {
  element.querySelectorAll('mark.rq-frag-hl').forEach((m) => {
    const parent = m.parentNode;
    parent.replaceChild(document.createTextNode(m.textContent), m);
    parent.normalize();
  });
  element.querySelectorAll('.rq-frag-on').forEach((x) => x.classList.remove('rq-frag-on'));
  element.querySelectorAll('.rq-cited').forEach((x) => x.classList.remove('rq-cited'));
};
const mark = (frag) => {
  unmark();
  const [card, quote] = quoteOf(frag);
  if (!quote) return null;
  // the quote's text is the passage's characters (render.quote_text_html), so document offsets
  // minus the passage's start are offsets into its text nodes
  const from = Number(frag.dataset.start) - Number(card.dataset.start);
  const to = Number(frag.dataset.end) - Number(card.dataset.start);
  // (the server counts characters, Python's code points; a text node's offsets are UTF-16 units, two for an emoji)
  const units = (text, n) => { let i = 0; for (const ch of text) { if (n-- <= 0) break; i += ch.length; } return i; };
  const walker = document.createTreeWalker(quote, NodeFilter.SHOW_TEXT);
  const pieces = [];
  let at = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const len = [...node.data].length;
    const a = Math.max(from, at), b = Math.min(to, at + len);
    if (a < b) pieces.push([node, units(node.data, a - at), units(node.data, b - at)]);
    at += len;
  }
  for (const [node, a, b] of pieces) {
    const middle = node.splitText(a);
    middle.splitText(b - a);
    const hl = document.createElement('mark');
    hl.className = 'rq-frag-hl';
    middle.parentNode.replaceChild(hl, middle);
    hl.appendChild(middle);
  }
  frag.classList.add('rq-frag-on');
  card.classList.add('rq-cited');
  return card;
};
element.addEventListener('mouseover', (ev) => {
  const frag = ev.target.closest('.rq-frag');
  if (frag && element.contains(frag) && !frag.classList.contains('rq-frag-on')) mark(frag);
});
element.addEventListener('mouseout', (ev) => {
  const frag = ev.target.closest('.rq-frag');
  if (frag && !(ev.relatedTarget && frag.contains(ev.relatedTarget))) unmark();
});
element.addEventListener('focusin', (ev) => {
  const frag = ev.target.closest('.rq-frag');
  if (!frag || !element.contains(frag)) return;
  const card = mark(frag);
  if (card) card.scrollIntoView({ block: 'nearest' });
});
element.addEventListener('focusout', (ev) => {
  if (ev.target.closest('.rq-frag')) unmark();
});
