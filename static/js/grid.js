// Keyboard and mouse handling of the rating grid. Saving goes through htmx; the server
// answers with the new cell and out-of-band updates (org value, goals, progress, panel).
(function () {
  "use strict";
  const grid = document.getElementById("grid");
  if (!grid) return;
  const editable = grid.dataset.editable === "1";
  const KEYS = { f: "FI", l: "LI", p: "PI", n: "NI", y: "NY" };
  let activeId = null;

  function rows() {
    return Array.from(grid.querySelectorAll("tbody tr")).filter((tr) => tr.querySelector("td.cell"));
  }

  function focusCell(td) {
    if (!td) return;
    grid.querySelectorAll("td.cell[tabindex='0']").forEach((c) => (c.tabIndex = -1));
    grid.querySelectorAll("td.cell.active").forEach((c) => c.classList.remove("active"));
    td.tabIndex = 0;
    td.classList.add("active");
    td.focus();
    activeId = td.id;
  }

  function neighbour(td, dRow, dCol) {
    const tr = td.parentElement;
    const cellsInRow = Array.from(tr.querySelectorAll("td.cell"));
    const col = cellsInRow.indexOf(td);
    if (dCol) return cellsInRow[col + dCol] || null;
    const all = rows();
    const target = all[all.indexOf(tr) + dRow];
    return target ? target.querySelectorAll("td.cell")[col] || null : null;
  }

  function openPanel(td) {
    htmx.ajax("GET", td.dataset.url, { target: "#cell-panel", swap: "innerHTML" });
  }

  function save(td, value) {
    activeId = td.id;
    htmx.ajax("POST", td.dataset.url, {
      // The element itself, not "#" + id: practice ids contain dots ("SP-1.1").
      target: td,
      swap: "outerHTML",
      values: { value: value, version: td.dataset.version },
    });
  }

  grid.addEventListener("keydown", function (event) {
    const td = event.target.closest("td.cell");
    if (!td) return;
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[event.key]) {
      event.preventDefault();
      focusCell(neighbour(td, ...moves[event.key]));
      return;
    }
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      openPanel(td);
      return;
    }
    if (!editable || event.ctrlKey || event.metaKey || event.altKey) return;
    const value = KEYS[event.key.toLowerCase()];
    if (value) {
      event.preventDefault();
      save(td, value);
    } else if (event.key === "Delete" || event.key === "Backspace") {
      event.preventDefault();
      save(td, "");
    }
  });

  grid.addEventListener("click", function (event) {
    const td = event.target.closest("td.cell");
    if (!td) return;
    focusCell(td);
    openPanel(td);
  });

  // After a save the cell element is replaced: keep the keyboard focus on it.
  document.body.addEventListener("htmx:afterSettle", function () {
    if (activeId && (!document.activeElement || document.activeElement === document.body)) {
      focusCell(document.getElementById(activeId));
    }
  });

  // The live grid (grid_changes): a notice that another rater changed the cell open in the
  // panel stays only while the panel's form holds an older version of it; a panel opened
  // after the change already shows it.
  htmx.onLoad(function (elt) {
    if (!elt.matches || !elt.matches(".panel-notice[data-version]")) return;
    const version = document.querySelector("#cell-panel input[name=version]");
    if (version && Number(version.value) >= Number(elt.dataset.version)) elt.textContent = "";
  });

  const first = grid.querySelector("td.cell");
  if (first) first.tabIndex = 0;
})();
