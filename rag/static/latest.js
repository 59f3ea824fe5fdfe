() => {
  // bring the newest answer into view, and put its permalink in the address bar: a reload reopens it; only when
  // there is a new answer (an empty ask adds none, and the reader stays where they are in the last one)
  const turns = document.querySelectorAll('#rq-conversation .rq-turn');
  if (!turns.length) return;
  const last = turns[turns.length - 1];
  if (last.dataset.rqShown) return;
  last.dataset.rqShown = '1';
  last.scrollIntoView({ block: 'start' });
  const link = last.querySelector('a.rq-answer-link');
  if (link && window.rqShowLink) window.rqShowLink(link.getAttribute('href'));
}
