// "Companies like mine": the top three for the picked industry, size and region.
// The ranking is advocacy/match.py's, worked out for every pick at build time
// (the JSON of #picker), so the site and `advocacy match` never differ.
(function () {
  "use strict";
  var box = document.querySelector("[data-picker]"), source = document.getElementById("picker");
  if (!box || !source) return;
  var data = JSON.parse(source.textContent), form = box.querySelector("form");
  var list = box.querySelector("[data-picker-results]"), fallback = box.querySelector("[data-picker-fallback]");

  function add(parent, tag, text, className) {
    var node = parent.appendChild(document.createElement(tag));
    node.textContent = text;
    node.className = className || "";
    return node;
  }

  function show() {
    var key = [form.industry.value, form.size.value, form.region.value].join("|"), top = data.top[key] || [];
    list.textContent = "";
    top.forEach(function (entry) {
      var item = data.items[entry.item], card = add(list, "li", "", "card");
      add(card, "p", (item.kind === "story" ? "Story · " : "Video · ") + item.customer, "card-kicker");
      add(add(card, "h3", "", "card-title"), "a", item.title).href = box.dataset.base + item.path;
      add(card, "p", "Why: " + entry.reasons.join("; "), "card-meta");
    });
    box.querySelector("[role=status]").textContent = key === "||" ? "" : top.length
      ? "The " + top.length + " closest to you, best first:" : "Nothing fits this yet: leave one of them open.";
  }

  form.addEventListener("change", show);
  box.hidden = form.hidden = false;
  if (fallback) fallback.hidden = true;
  show();
})();
