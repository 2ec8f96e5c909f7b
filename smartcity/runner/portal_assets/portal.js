/* smartcity portal: sort, filter, search and compare on the static ranking table.
   No libraries, no network; the page is complete without JavaScript (the table, the map and every
   link are plain HTML). The data for the compare view is embedded in #portal-data. */
(function () {
  "use strict";
  var dataEl = document.getElementById("portal-data");
  if (!dataEl) return;
  var D = JSON.parse(dataEl.textContent), T = D.text;
  var table = document.getElementById("ranking-table");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var q = document.getElementById("q"), land = document.getElementById("land"), size = document.getElementById("size");
  var count = document.getElementById("count");
  var btn = document.getElementById("compare-btn");
  var compare = document.getElementById("compare"), compareBody = document.getElementById("compare-body");
  var MAX = 4;

  // "Düsseldorf" is found by "düss", "duess" and "duss"
  function plain(s) { return s.toLowerCase().replace(/ß/g, "ss").normalize("NFD").replace(/[\u0300-\u036f]/g, ""); }
  function spelled(s) { return plain(s.toLowerCase().replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue")); }
  function matches(name, needle) { return plain(name).indexOf(needle) >= 0 || spelled(name).indexOf(needle) >= 0; }
  function fill(t, o) { return t.replace(/\{(\w+)\}/g, function (m, k) { return o[k]; }); }

  // ---- sort
  table.querySelectorAll("th button.sort").forEach(function (b) {
    b.addEventListener("click", function () {
      var th = b.closest("th"), idx = th.cellIndex, num = th.dataset.type === "num";
      var asc = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      rows.sort(function (a, b2) {
        var x = a.cells[idx].dataset.v, y = b2.cells[idx].dataset.v, r;
        if (num) {
          var fx = x === "" ? NaN : parseFloat(x), fy = y === "" ? NaN : parseFloat(y);
          if (isNaN(fx) && isNaN(fy)) r = 0; else if (isNaN(fx)) return 1; else if (isNaN(fy)) return -1;
          else r = fx - fy;
        } else {
          r = x.localeCompare(y, document.documentElement.lang);
        }
        return asc ? r : -r;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });

  // ---- filter and search (table and map together)
  function applyFilter() {
    var needle = plain(q.value.trim()), l = land.value, s = size.value, shown = 0, visible = {};
    rows.forEach(function (r) {
      var ok = (!needle || matches(r.dataset.name, needle)) && (!l || r.dataset.land === l) &&
               (!s || r.dataset.size === s);
      r.hidden = !ok;
      if (ok) { shown++; visible[r.dataset.slug] = true; }
    });
    document.querySelectorAll(".map [data-slug]").forEach(function (a) {
      a.classList.toggle("dim", !visible[a.dataset.slug]);
    });
    count.textContent = fill(T.count, {shown: shown, total: rows.length});
  }
  [q, land, size].forEach(function (el) { el.addEventListener("input", applyFilter); });
  document.getElementById("controls").addEventListener("submit", function (e) { e.preventDefault(); });

  // ---- compare 2-4 cities
  var boxes = Array.prototype.slice.call(table.querySelectorAll("input.pick"));
  function picked() { return boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; }); }
  function updateButton() {
    var n = picked().length;
    btn.disabled = n < 2 || n > MAX;
    btn.textContent = fill(T.compare_button, {n: n});
    boxes.forEach(function (b) { b.disabled = !b.checked && n >= MAX; });
  }
  boxes.forEach(function (b) { b.addEventListener("change", updateButton); });
  function cityRow(slug) {
    for (var i = 0; i < D.rows.length; i++) if (D.rows[i].slug === slug) return D.rows[i];
    return null;
  }
  function fmt(v, dec) {
    if (v === null || v === undefined) return "–";
    return v.toLocaleString(D.locale, {minimumFractionDigits: dec, maximumFractionDigits: dec});
  }
  function signed(v) { return v === null || v === undefined ? "–" : v === 0 ? "±0" : (v > 0 ? "+" : "−") + Math.abs(v); }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]; }); }
  function showCompare(slugs, focus) {
    var cities = slugs.map(cityRow).filter(Boolean);
    if (cities.length < 2) { compare.hidden = true; return; }
    var h = '<table><caption>' + esc(fill(T.compare_caption, {year: D.year})) + '</caption><thead><tr><th scope="col">' +
            esc(T.measure) + '</th>';
    cities.forEach(function (c) {
      h += '<th scope="col" class="num">' + (c.html ? '<a href="' + esc(c.html) + '">' + esc(c.city) + '</a>' : esc(c.city)) + '</th>';
    });
    h += '</tr></thead><tbody>';
    function line(label, f) {
      h += '<tr><th scope="row">' + esc(label) + '</th>';
      cities.forEach(function (c) { h += '<td class="num">' + f(c) + '</td>'; });
      h += '</tr>';
    }
    line(T.rank, function (c) { return fmt(c.rank, 0); });
    line(T.score, function (c) { return fmt(c.score, 1); });
    line(T.change, function (c) { return signed(c.change); });
    D.categories.forEach(function (name, i) {
      line(fill(T.category_rank, {name: name}), function (c) {
        var v = c.cats[i]; return v[0] === null ? "–" : fmt(v[0], 0) + " (" + fmt(v[1], 1) + ")";
      });
    });
    line(T.land, function (c) { return esc(c.land); });
    h += '</tbody></table>';
    compareBody.innerHTML = h;
    compare.hidden = false;
    boxes.forEach(function (b) { b.checked = slugs.indexOf(b.value) >= 0; });
    updateButton();
    if (history.replaceState) history.replaceState(null, "", "#" + T.hash + "=" + slugs.join(","));
    if (focus) document.getElementById("compare-title").focus();
  }
  btn.addEventListener("click", function () { showCompare(picked(), true); });
  document.getElementById("compare-close").addEventListener("click", function () {
    compare.hidden = true;
    boxes.forEach(function (b) { b.checked = false; });
    updateButton();
    if (history.replaceState) history.replaceState(null, "", location.pathname + location.search);
    btn.focus();
  });
  var m = new RegExp("^#" + T.hash + "=([a-z0-9,-]+)$").exec(location.hash);
  if (m) showCompare(m[1].split(",").slice(0, MAX), false);
  updateButton();
  applyFilter();
})();
