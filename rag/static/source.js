// The source panel: bring the highlighted span into view whenever a new exchange is shown, scrolling the panel
// itself (scrollIntoView scrolls every scrolling ancestor, the page too: a click on a later answer's quote took the
// page back to the first answer); where the panel does not scroll (a phone's column, the panel below the answers),
// the page brings it into view. A panel that scrolls is reachable by keyboard: focusable and named.
const show = () => {
  const mark = element.querySelector('mark.rq-hl');
  const panel = element.closest('#rq-source');
  if (panel && !panel.hasAttribute('tabindex')) {
    panel.tabIndex = 0;
    panel.setAttribute('role', 'region');
    panel.setAttribute('aria-label', 'The quote in its context');
  }
  if (!mark) return;
  if (panel && panel.scrollHeight > panel.clientHeight + 1 && getComputedStyle(panel).overflowY !== 'visible') {
    const at = mark.getBoundingClientRect(), box = panel.getBoundingClientRect();
    panel.scrollTop += at.top - box.top - (panel.clientHeight - Math.min(at.height, panel.clientHeight)) / 2;
  } else {
    mark.scrollIntoView({ block: 'center' });
  }
};
watch('value', show);
show();
