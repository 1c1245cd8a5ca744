// "Companies like mine": the top three for the picked industry, size and region.
// The ranking is advocacy/match.py's, worked out for every pick at build time
// (/picker.json, fetched on the first pick), so the site and `advocacy match` never differ.
(function () {
  "use strict";
  var box = document.querySelector("[data-picker]");
  if (!box) return;
  var data = null, loading = null, choices = box.querySelector("[data-picker-form]");
  var list = box.querySelector("[data-picker-results]"), status = box.querySelector("[role=status]");
  var selects = box.querySelectorAll("select");

  function add(parent, tag, text, className) {
    var node = parent.appendChild(document.createElement(tag));
    node.textContent = text;
    node.className = className || "";
    return node;
  }

  function load() {
    loading = loading || fetch(box.dataset.src).then(function (response) {
      if (!response.ok) throw new Error(response.status);
      return response.json();
    }).then(function (json) { data = json; });
    return loading;
  }

  function show() {
    // the selects are in the order of the keys of data.top: "industry|size|region", by slug
    var key = [].map.call(selects, function (select) { return select.value; }).join("|"), top = data.top[key] || [];
    list.textContent = "";
    top.forEach(function (entry) {
      var item = data.items[entry.item], card = add(list, "li", "", "card");
      add(card, "p", (item.kind === "story" ? "Story · " : "Video · ") + item.customer, "card-kicker");
      add(add(card, "h3", "", "card-title"), "a", item.title).href = box.dataset.base + item.path;
      add(card, "p", "Why: " + entry.reasons.join("; "), "card-meta");
    });
    status.textContent = key === "||" ? "" : top.length
      ? "The " + top.length + " closest to you, best first:" : "Nothing fits this yet: leave one of them open.";
  }

  box.addEventListener("change", function () {
    if (data) return show();
    status.textContent = "Finding the closest…";
    load().then(show, function () {
      loading = null;  // the next pick tries again
      status.textContent = "The matches could not be loaded; check your connection and pick again.";
    });
  });
  // site.css hides the topic links offered without JavaScript once the selects show
  choices.hidden = false;
})();
