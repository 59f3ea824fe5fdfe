// The upload box (ui.py's gr.File): Gradio names its button "Click to upload or drop files" while it shows "Drop File
// Here - or - Click to Upload", a name that leaves out what it shows (axe's label-content-name-mismatch, serious: a
// speech-input user says what they see). Its name is what it shows, kept so as Gradio draws it again (after an add).
// `element` is given by gr.HTML's js_on_load (the documents' table, beside the box).
const named = () => {
  for (const box of document.querySelectorAll('#rq-upload .upload-container[aria-label]')) {
    const shown = box.textContent.replace(/\s+/g, ' ').trim();
    if (shown && box.getAttribute('aria-label') !== shown) box.setAttribute('aria-label', shown);
  }
};
// (the box is drawn after this table, and again after each add: the panel around both is watched)
const panel = element.closest('#rq-documents') || document.body;
if (window.MutationObserver) {
  new MutationObserver(named).observe(panel, { subtree: true, childList: true, attributes: true,
                                               attributeFilter: ['aria-label'] });
}
named();
