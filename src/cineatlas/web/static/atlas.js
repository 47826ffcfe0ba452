// cineatlas pages: auto-applied filters, sortable tables, Vega-Lite charts.
// Everything works without this file; it only makes the pages quicker to use.
"use strict";

// Filters apply as soon as a select changes (the "Show" button stays for keyboard users).
document.querySelectorAll("form.controls select").forEach((select) => {
  select.addEventListener("change", () => select.form.requestSubmit());
});

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

document.querySelectorAll("table.sortable").forEach((table) => {
  if (!table.tHead) return;
  Array.from(table.tHead.rows[0].cells).forEach((th, index) => {
    if (!th.hasAttribute("aria-sort")) th.setAttribute("aria-sort", "none");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    while (th.firstChild) button.appendChild(th.firstChild);
    th.appendChild(button);
    button.addEventListener("click", (event) => {
      if (event.target.closest("a")) return; // a link inside the header still navigates
      sortBy(table, index, th);
    });
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
