() => {
  // bring the newest answer into view, and put its permalink in the address bar: a reload reopens it; only when
  // there is a new answer (an empty ask adds none, and the reader stays where they are in the last one)
  const turns = document.querySelectorAll('#rq-conversation .rq-turn');
  if (!turns.length) return;
  const last = turns[turns.length - 1];
  if (last.dataset.rqShown) return;
  last.dataset.rqShown = '1';
  last.scrollIntoView({ block: 'start' });
  // and its first quote's words, not only its question and the citation above them (at 1280x720 and 150 % the answer
  // showed 88 px of quote 1 above the ask bar): the page goes on until its first lines are above the bar
  const text = last.querySelector('.rq-quote .rq-text');
  const row = document.querySelector('#rq-ask-row');
  if (text) {
    const bottom = row ? row.getBoundingClientRect().top : window.innerHeight;
    const r = text.getBoundingClientRect();
    const need = Math.min(r.height, Math.max(96, bottom * 0.4));
    if (r.top + need > bottom - 8) window.scrollBy(0, r.top + need - bottom + 8);
  }
  const link = last.querySelector('a.rq-answer-link');
  if (link && window.rqShowLink) window.rqShowLink(link.getAttribute('href'));
}
