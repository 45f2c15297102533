// The PIID page's process area chooser: go to the chosen PA's page.
(function () {
  "use strict";
  const select = document.getElementById("piid-pa");
  if (select) select.addEventListener("change", () => (window.location = select.value));
})();
