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
// The bar is fixed over the page's bottom: its height is the page's scroll padding, so that a control reached by Tab
// (or brought into view by a script) is never left behind it (the Documents panel's header was), and --rq-bar, by
// which presenter mode fits its slides above it (chat.css). Measured, as the box grows to four lines and back.
const bar = element.closest('#rq-ask-row') || document.querySelector('#rq-ask-row');
if (bar && window.ResizeObserver) {
  const fit = () => {
    const height = Math.ceil(bar.getBoundingClientRect().height);
    document.documentElement.style.setProperty('--rq-bar', `${height}px`);
    document.documentElement.style.scrollPaddingBottom = `${height + 8}px`;
  };
  new ResizeObserver(fit).observe(bar);
  fit();
}
// A dropdown's open list (the Speaker choice's, 62 names on five meetings) scrolls, and Chrome puts a scrolling box in
// the Tab order: Tab from the choice went to the list, which closed as it lost the focus, leaving it on <body> (no
// ring anywhere; Shift+Tab then went elsewhere). The lists are taken out of the Tab order as Tab is pressed: it goes
// on to the next control (arrows still move through the list).
document.addEventListener('keydown', (ev) => {
  if (ev.key !== 'Tab') return;
  document.querySelectorAll('ul.option-list:not([tabindex])').forEach((list) => list.setAttribute('tabindex', '-1'));
}, true);
