// The ask bar's skip link (ui.py): focus the newest answer's first quote (its number button, which opens it in
// context), so that the keyboard reaches it in two Tabs from the ask box instead of a dozen.
element.addEventListener('click', (ev) => {
  if (!ev.target.closest('.rq-jump')) return;
  ev.preventDefault();
  const turns = document.querySelectorAll('#rq-conversation .rq-turn');
  const first = turns.length ? turns[turns.length - 1].querySelector('.rq-open') : null;
  if (first) {
    first.scrollIntoView({ block: 'center' });
    first.focus({ preventScroll: true });
  }
});
