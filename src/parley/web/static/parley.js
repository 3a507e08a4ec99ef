// The dashboard's few behaviours; no dependencies, works offline.
// 1. Article reader: click (or Enter on) a highlight to show its records as labelled tables (the
//    JSON behind a toggle); following a link to #act-... or #quote-... selects that record.
// 2. Positions matrix: a cell's link opens its acts in the panel beside the matrix (the same
//    page the link leads to without JavaScript, fetched and its #cell-acts section shown).
(function () {
  var data = document.getElementById("records");
  if (!data) return;
  var records = JSON.parse(data.textContent);
  var body = document.getElementById("record-body");
  var KIND = {quote: "Quote", act: "Act", time: "Time", place: "Place"};
  // Fields in reading order; the rest follow. Offsets and row numbers stay in the JSON only.
  var ORDER = ["type", "kind", "actor", "target", "issue", "object", "regions", "polarity",
               "modality", "condition", "time", "time_reading", "reading", "value", "text",
               "name", "code", "lat", "lon", "speaker_actor", "speaker_anonymous", "anonymity",
               "cue", "content", "source_quote", "source_actor", "source_anonymous",
               "evidence_text", "anchor", "confidence"];
  var HIDDEN = {article_id: 1, n: 1, evidence_start: 1, evidence_end: 1, speaker_start: 1,
                speaker_end: 1, cue_start: 1, cue_end: 1, start: 1, end: 1, segments: 1};
  var LABELS = {time_reading: "time (read)", reading: "read as", evidence_text: "evidence",
                speaker_actor: "speaker", speaker_anonymous: "unnamed speaker",
                source_quote: "from quote", source_actor: "reported by",
                source_anonymous: "reported by (unnamed)", act_id: "id", quote_id: "id"};
  var ACTORS = {actor: 1, target: 1, speaker_actor: 1, source_actor: 1};

  function cell(key, value) {
    var td = document.createElement("td");
    if (ACTORS[key] && typeof value === "string") {
      var a = document.createElement("a");
      a.href = "/actors/" + encodeURIComponent(value);
      a.textContent = value;
      td.appendChild(a);
    } else if (Array.isArray(value)) {
      td.textContent = value.join(", ");
    } else if (typeof value === "number" && key === "confidence") {
      td.textContent = value.toFixed(2);
    } else if (value !== null && typeof value === "object") {
      td.textContent = JSON.stringify(value);
    } else {
      td.textContent = String(value);
    }
    return td;
  }

  function table(record) {
    var t = document.createElement("table");
    t.className = "record-table";
    var keys = ORDER.filter(function (k) { return k in record; });
    Object.keys(record).forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); });
    keys.forEach(function (key) {
      var value = record[key];
      if (HIDDEN[key] || value === null || value === undefined || value === "" ||
          (Array.isArray(value) && !value.length)) return;
      var tr = document.createElement("tr");
      var th = document.createElement("th");
      th.scope = "row";
      th.textContent = LABELS[key] || key.replace(/_/g, " ");
      tr.appendChild(th);
      tr.appendChild(cell(key, value));
      t.appendChild(tr);
    });
    return t;
  }

  function show(refs) {
    document.querySelectorAll(".hl.active").forEach(function (el) { el.classList.remove("active"); });
    body.innerHTML = "";
    body.classList.remove("muted");
    refs.forEach(function (ref) {
      document.querySelectorAll('.hl[data-refs~="' + ref + '"]').forEach(function (el) {
        el.classList.add("active");
      });
      var record = records[ref];
      if (!record) return;
      var box = document.createElement("div");
      box.className = "record-item";
      box.setAttribute("data-ref", ref);
      var title = document.createElement("h3");
      var kind = ref.split("-")[0];
      title.textContent = (KIND[kind] || kind) + " " + ref.slice(kind.length + 1);
      var details = document.createElement("details");
      var summary = document.createElement("summary");
      summary.textContent = "JSON";
      var pre = document.createElement("pre");
      pre.textContent = JSON.stringify(record, null, 2);
      details.appendChild(summary);
      details.appendChild(pre);
      box.appendChild(title);
      box.appendChild(table(record));
      box.appendChild(details);
      body.appendChild(box);
    });
  }

  document.querySelectorAll(".hl[data-refs]").forEach(function (el) {
    var handler = function () { show(el.getAttribute("data-refs").split(" ")); };
    el.addEventListener("click", handler);
    el.addEventListener("keydown", function (e) {
      if (e.key === "Enter" || e.key === " ") { e.preventDefault(); handler(); }
    });
  });
  function fromHash() {
    var ref = decodeURIComponent(location.hash.slice(1));
    if (ref && records[ref]) show([ref]);
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();

(function () {
  var panel = document.getElementById("cell-acts");
  var links = document.querySelectorAll(".positions-matrix a.cell-link");
  if (!panel || !links.length) return;
  function open(link) {
    links.forEach(function (l) { l.removeAttribute("aria-current"); });
    link.setAttribute("aria-current", "true");
    panel.setAttribute("aria-busy", "true");
    fetch(link.href, {headers: {"Accept": "text/html"}}).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var found = doc.getElementById("cell-acts");
      panel.innerHTML = found ? found.innerHTML : "<p class='error'>No acts found.</p>";
      panel.removeAttribute("aria-busy");
      panel.focus();
    }).catch(function (error) {
      panel.innerHTML = "";
      var p = document.createElement("p");
      p.className = "error";
      p.textContent = "Could not load the acts (" + error.message + "): ";
      var a = document.createElement("a");
      a.href = link.href;
      a.textContent = "open them on their own page";
      p.appendChild(a);
      panel.appendChild(p);
      panel.removeAttribute("aria-busy");
    });
  }
  links.forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      open(link);
    });
  });
})();

// 3. Filter forms leave blank fields out of the URL (`?date_to=2025-03-31`, not `date_from=&...`).
document.querySelectorAll("form.range, form.filters").forEach(function (form) {
  form.addEventListener("submit", function () {
    form.querySelectorAll("input, select").forEach(function (field) {
      if (field.name && field.value === "") field.disabled = true;
    });
  });
});
