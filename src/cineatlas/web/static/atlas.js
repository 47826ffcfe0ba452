// cineatlas pages: sortable tables, tables that scroll in their box, folding facets, keyboard
// access to the points of a map, Vega-Lite charts.
// Everything works without this file; it only makes the pages quicker to use. Nothing here
// submits a form or leaves the page on its own: a <select> change never reloads the page
// (a keyboard user's arrow press would), every form has its own submit button.
"use strict";

document.documentElement.classList.add("js");

// Sortable tables: each column header becomes a button; a second press reverses the order.
function cellValue(row, index) {
  const cell = row.children[index];
  const raw = cell.dataset.value;
  if (raw !== undefined) {
    return raw === "" ? null : Number(raw);
  }
  return cell.textContent.trim().toLocaleLowerCase();
}

function sortBy(table, index, th) {
  const ascending = th.getAttribute("aria-sort") !== "ascending";
  table.querySelectorAll("th[aria-sort]").forEach((h) => h.setAttribute("aria-sort", "none"));
  th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  rows.sort((a, b) => {
    const x = cellValue(a, index);
    const y = cellValue(b, index);
    if (x === null || y === null) return x === null ? (y === null ? 0 : 1) : -1; // unknown last
    const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
    return ascending ? order : -order;
  });
  rows.forEach((row) => body.appendChild(row));
}

// Each header's text becomes a button inside the <th aria-sort>; a link in a header (the
// compare table's "definition" link) stays beside the button, never inside it.
document.querySelectorAll("table.sortable").forEach((table) => {
  if (!table.tHead || !table.tBodies.length) return;
  Array.from(table.tHead.rows[0].cells).forEach((th, index) => {
    if (!th.textContent.trim()) return;
    if (!th.hasAttribute("aria-sort")) th.setAttribute("aria-sort", "none");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    Array.from(th.childNodes).forEach((node) => {
      if (!(node.nodeType === Node.ELEMENT_NODE && node.matches("a"))) {
        button.appendChild(node);
      }
    });
    th.insertBefore(button, th.firstChild);
    button.addEventListener("click", () => sortBy(table, index, th));
  });
});

// Wide tables scroll inside their own box (the page never scrolls sideways); a box that
// scrolls is focusable (arrow keys scroll it) and named after its table's caption.
let boxes = 0;
document.querySelectorAll("main table").forEach((table) => {
  if (table.parentElement.classList.contains("table-wrap")) return;
  const box = document.createElement("div");
  box.className = "table-wrap";
  table.parentElement.insertBefore(box, table);
  box.appendChild(table);
});
function labelBoxes() {
  document.querySelectorAll("main .table-wrap").forEach((box) => {
    const table = box.querySelector("table");
    if (box.scrollWidth > box.clientWidth + 1 && table) {
      if (!table.caption) return;
      if (!table.caption.id) table.caption.id = `table-caption-${++boxes}`;
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-labelledby", table.caption.id);
      box.classList.add("scrolls");
    } else {
      ["tabindex", "role", "aria-labelledby"].forEach((a) => box.removeAttribute(a));
      box.classList.remove("scrolls");
    }
  });
}
labelBoxes();
window.addEventListener("resize", labelBoxes);
window.addEventListener("load", labelBoxes);
document.querySelectorAll("details").forEach((d) => d.addEventListener("toggle", labelBoxes));

// Folding blocks (the explorer's facets): open on a wide screen, folded behind their summary
// on a narrow one; the reader's own choice holds until the width class changes.
const narrow = window.matchMedia("(max-width: 800px)");
function foldBlocks() {
  document.querySelectorAll("details.fold").forEach((d) => { d.open = !narrow.matches; });
}
foldBlocks();
narrow.addEventListener("change", foldBlocks);

// Points of a map (cinemas, festivals): one tab stop for the whole set, then the arrow keys
// (and Home, End) go from point to point, each announced by its name.
document.querySelectorAll("[data-roving]").forEach((group) => {
  const points = Array.from(group.querySelectorAll("[data-point]"));
  if (!points.length) return;
  points.forEach((p, i) => p.setAttribute("tabindex", i === 0 ? "0" : "-1"));
  group.addEventListener("keydown", (event) => {
    const at = points.indexOf(document.activeElement);
    if (at < 0) return;
    const moves = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1,
                    Home: 0, End: points.length - 1 };
    if (!(event.key in moves)) return;
    event.preventDefault();
    const next = points[Math.max(0, Math.min(points.length - 1, moves[event.key]))];
    points[at].setAttribute("tabindex", "-1");
    next.setAttribute("tabindex", "0");
    next.focus();
  });
});

// Charts: Vega-Lite specs embedded as JSON; Vega's expression interpreter (ast: true) keeps
// the page under a strict Content-Security-Policy (no eval).
// Numbers on axes follow the page's language.
const LOCALES = {
  fr: { decimal: ",", thousands: "\u202f", grouping: [3], currency: ["", "\u00a0€"] },
  en: { decimal: ".", thousands: ",", grouping: [3], currency: ["", ""] },
};

window.addEventListener("load", () => {
  if (typeof vegaEmbed === "undefined") return;
  const formatLocale = LOCALES[document.documentElement.lang] || LOCALES.fr;
  document.querySelectorAll("div.vega[data-spec]").forEach((el) => {
    const spec = JSON.parse(document.getElementById(el.dataset.spec).textContent);
    // tooltip: false keeps Vega's plain SVG titles (vega-tooltip would inject a <style>).
    const options = { actions: false, renderer: "svg", ast: true, defaultStyle: false,
                      tooltip: false, formatLocale };
    vegaEmbed(el, spec, options)
      .then(() => el.setAttribute("data-rendered", "true"))
      .catch((error) => { el.setAttribute("data-error", String(error)); });
  });
});
