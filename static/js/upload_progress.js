// Upload progress for evidence files: htmx reports the XHR's upload progress on the form, which
// fills the <progress> element named by the form's data-progress attribute.
(function () {
  "use strict";
  document.body.addEventListener("htmx:xhr:progress", function (event) {
    const form = event.target.closest("form[data-progress]");
    if (!form || !event.detail.lengthComputable) return;
    const bar = document.getElementById(form.dataset.progress);
    if (!bar) return;
    bar.hidden = false;
    bar.max = event.detail.total;
    bar.value = event.detail.loaded;
    const label = document.getElementById(form.dataset.progress + "-label");
    if (label) label.textContent = Math.round((100 * event.detail.loaded) / event.detail.total) + "% uploaded";
  });
})();
