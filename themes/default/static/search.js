// advocacy: the search page, on the Pagefind index published at pagefind/.
// Pagefind is loaded on the first search (or when the box gets focus), not
// before. The query and filters live in the URL (?q=...&industry=...).
(function () {
  "use strict";
  var root = document.querySelector("[data-search]");
  if (!root || !window.URLSearchParams) return;
  var form = root.querySelector("form"), input = form.querySelector("input");
  var status = root.querySelector("[data-search-status]");
  var list = root.querySelector("[data-search-results]");
  var panel = root.querySelector("[data-search-filters]");
  var more = root.querySelector("[data-search-more]");
  var groups = [].slice.call(panel.querySelectorAll("[data-facet]"));
  var names = groups.map(function (g) { return g.getAttribute("data-facet"); });
  var pagefind = null, loading = null, ready = false, results = [], shown = 0, ticket = 0, timer = 0;
  var PAGE = 10;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  // The index is in shards: the one at pagefind/ and those its shards.json
  // lists, merged into one search (results ranked together, counts summed).
  function load() {
    var base = root.getAttribute("data-bundle"), options = {excerptLength: 24};
    return loading || (loading = Promise.all([import(base + "pagefind.js"),
      fetch(base + "shards.json", {cache: "no-cache"}).then(function (r) { return r.json(); })]).then(function (got) {
      pagefind = got[0];
      return pagefind.options(options).then(function () {
        return Promise.all(got[1].map(function (shard) { return pagefind.mergeIndex(base + shard, options); }));
      });
    }).then(function () { return pagefind.filters(); }).then(drawFilters));
  }

  // The filter options Pagefind knows, as toggle buttons like the list pages'.
  function drawFilters(available) {
    var wanted = fromUrl().filters;
    groups.forEach(function (group, i) {
      var values = Object.keys(available[names[i]] || {}).sort(function (a, b) {
        return a.localeCompare(b, undefined, {numeric: true});  // 51-200 before 201-1000
      });
      var ul = group.querySelector("ul");
      values.forEach(function (value) {
        var button = el("button", "tag", value + " ");
        button.type = "button";
        button.setAttribute("data-value", value);
        button.setAttribute("aria-pressed", String((wanted[names[i]] || []).indexOf(value) >= 0));
        button.appendChild(el("span", "count", ""));
        ul.appendChild(el("li")).appendChild(button);
      });
      group.hidden = !values.length;
      if (values.length) panel.hidden = false;
    });
    ready = true;
  }

  function selected() {
    var filters = {};
    groups.forEach(function (group, i) {
      var on = [].map.call(group.querySelectorAll("[aria-pressed=true]"), function (b) {
        return b.getAttribute("data-value");
      });
      if (on.length) filters[names[i]] = on;
    });
    return filters;
  }

  function fromUrl() {
    var params = new URLSearchParams(location.search), filters = {};
    names.forEach(function (name) {
      if (params.getAll(name).length) filters[name] = params.getAll(name);
    });
    return {q: params.get("q") || "", filters: filters};
  }

  function toUrl(q, filters) {
    var params = new URLSearchParams();
    if (q) params.set("q", q);
    Object.keys(filters).forEach(function (name) {
      filters[name].forEach(function (v) { params.append(name, v); });
    });
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  function run() {
    var mine = ++ticket, q = input.value.trim(), filters = ready ? selected() : fromUrl().filters;
    clearTimeout(timer);
    toUrl(q, filters);
    if (!q && !Object.keys(filters).length) {
      list.textContent = status.textContent = "";
      more.parentNode.hidden = true;
      return;
    }
    load().then(function () {
      var any = {};  // OR within a facet; facets combine with AND
      Object.keys(selected()).forEach(function (name) { any[name] = {any: selected()[name]}; });
      return pagefind.search(q || null, {filters: any});
    }).then(function (response) {
      if (mine !== ticket || !response) return;
      results = response.results;
      shown = 0;
      list.textContent = "";
      counts(response.filters || {});
      var n = results.length;
      status.textContent = (n ? n + (n === 1 ? " result" : " results") : "No results") + (q ? " for \u201c" + q + "\u201d" : "")
        + (n ? "" : ". Try fewer or other words, or fewer filters.");
      return showMore();
    }).catch(function () {
      status.textContent = "Search is not available right now. Browse the stories, testimonials, videos or customers instead.";
    });
  }

  function counts(byFilter) {
    groups.forEach(function (group, i) {
      [].forEach.call(group.querySelectorAll("[data-value]"), function (button) {
        var n = (byFilter[names[i]] || {})[button.getAttribute("data-value")] || 0;
        button.querySelector(".count").textContent = n;
        button.classList.toggle("is-none", !n && button.getAttribute("aria-pressed") !== "true");
      });
    });
  }

  function showMore() {
    var batch = results.slice(shown, shown + PAGE);
    shown += batch.length;
    more.parentNode.hidden = shown >= results.length;
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (items) {
      return items.map(function (data) { return list.appendChild(result(data)); });
    });
  }

  function result(data) {
    var meta = data.meta || {}, url = meta.url || data.url;
    var li = el("li", "card search-result");
    li.appendChild(el("p", "card-kicker", [meta.kind, meta.customer].filter(Boolean).join(" \u00b7 ")));
    var link = li.appendChild(el("h2", "card-title")).appendChild(el("a", "", meta.title || url));
    if (/^\/(?!\/)/.test(url)) link.href = url;  // a path of this site, never another scheme
    marked(li.appendChild(el("p", "card-summary")), data.excerpt || "");
    return li;
  }

  // The excerpt is HTML with <mark> around the terms found: only the marks are
  // kept, everything else becomes text (an inert parse: nothing runs or loads).
  function marked(target, html) {
    var body = new DOMParser().parseFromString("<body>" + html, "text/html").body;
    [].forEach.call(body.childNodes, function (node) {
      target.appendChild(node.nodeName === "MARK" ? el("mark", "", node.textContent)
        : document.createTextNode(node.textContent));
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  input.addEventListener("focus", function () { load().catch(function () {}); });
  panel.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-value]");
    if (!button) return;
    button.setAttribute("aria-pressed", String(button.getAttribute("aria-pressed") !== "true"));
    run();
  });
  more.addEventListener("click", function () {
    var first = shown;
    showMore().then(function (items) {
      var link = items.length && list.children[first].querySelector("a");
      if (link) link.focus();
    });
  });

  var start = fromUrl();
  input.value = start.q;
  if (start.q || Object.keys(start.filters).length) run();
})();
