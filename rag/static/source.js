// The source panel: bring the highlighted span into view whenever a new exchange is shown.
const show = () => {
  const mark = element.querySelector('mark.rq-hl');
  if (mark) mark.scrollIntoView({ block: 'center' });
};
watch('value', show);
show();
