// Article reader: click (or Enter on) a highlight to show its structured records; following a
// link to #act-... or #quote-... selects that record. No dependencies, works offline.
(function () {
  var data = document.getElementById("records");
  if (!data) return;
  var records = JSON.parse(data.textContent);
  var body = document.getElementById("record-body");

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
      title.textContent = ref;
      var pre = document.createElement("pre");
      pre.textContent = JSON.stringify(record, null, 2);
      box.appendChild(title);
      box.appendChild(pre);
      body.appendChild(box);
    });
  }

  document.querySelectorAll(".hl").forEach(function (el) {
    var handler = function () { show(el.getAttribute("data-refs").split(" ")); };
    el.addEventListener("click", handler);
    el.addEventListener("keydown", function (e) { if (e.key === "Enter") handler(); });
  });
  function fromHash() {
    var ref = decodeURIComponent(location.hash.slice(1));
    if (ref && records[ref]) show([ref]);
  }
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
