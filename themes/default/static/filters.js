// advocacy: filters a list page in place. Without this file the options stay
// links to the topic pages. Within a facet options combine with OR, across
// facets with AND; the state lives in the URL query (?industry=a&size=b), so
// a filtered view can be bookmarked and shared, and Back undoes a change.
(function () {
  "use strict";
  var root = document.querySelector("[data-filters]");
  var list = document.querySelector("[data-results]");
  if (!root || !list || !window.URLSearchParams || !history.pushState) return;

  var cards = [].slice.call(list.children);
  var groups = [].slice.call(root.querySelectorAll("[data-facet]"));
  var facets = groups.map(function (g) { return g.getAttribute("data-facet"); });
  var status = root.querySelector("[data-status]");
  var empty = document.querySelector("[data-empty]");
  var reset = root.querySelector("[data-reset]");  // a link to the whole list
  var noun = root.getAttribute("data-noun"), nouns = root.getAttribute("data-nouns");
  var names = {};  // facet -> value -> the option's name, for the empty state
  var options = [];  // {facet, value, button, count, label}

  function plural(n) { return n === 1 ? noun : nouns; }

  // What each card can be filtered by, read once: facet -> its values.
  var values = cards.map(function (card) {
    var found = {};
    facets.forEach(function (f) {
      var v = card.getAttribute("data-" + f);
      found[f] = v ? v.split(" ") : [];
    });
    return found;
  });

  // Each option link becomes a toggle button with the same content.
  groups.forEach(function (group, i) {
    var f = facets[i];
    names[f] = {};
    [].forEach.call(group.querySelectorAll("a[data-value]"), function (link) {
      var button = document.createElement("button"), v = link.getAttribute("data-value");
      button.type = "button";
      button.className = link.className;
      button.setAttribute("data-value", v);
      button.setAttribute("aria-pressed", "false");
      names[f][v] = link.firstChild.textContent.trim();
      while (link.firstChild) button.appendChild(link.firstChild);
      link.parentNode.replaceChild(button, link);
      var count = button.querySelector("[data-count]");
      options.push({facet: f, value: v, button: button, count: count, label: count.nextElementSibling});
    });
  });

  // Writes only what changed, so that a page opened unfiltered costs no restyle.
  function set(node, name, value) {
    if (node.getAttribute(name) !== value) node.setAttribute(name, value);
  }
  function text(node, value) {
    if (node.textContent !== value) node.textContent = value;
  }

  function read() {
    var params = new URLSearchParams(location.search), state = {};
    facets.forEach(function (f) {
      state[f] = params.getAll(f).filter(function (v) { return names[f].hasOwnProperty(v); });
    });
    return state;
  }

  function write(state) {
    var params = new URLSearchParams(location.search);
    facets.forEach(function (f) {
      params.delete(f);
      state[f].forEach(function (v) { params.append(f, v); });
    });
    var query = params.toString();
    history.pushState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  // skip: a facet left out, to count what each of its options would add
  function matches(found, state, skip) {
    return facets.every(function (f) {
      return f === skip || !state[f].length || found[f].some(function (v) { return state[f].indexOf(v) >= 0; });
    });
  }

  function count(state) {
    return values.filter(function (found) { return matches(found, state); }).length;
  }

  // state less one value of a facet; none() is the state with no filter
  function without(state, facet, value) {
    var copy = {};
    facets.forEach(function (f) {
      copy[f] = state[f].filter(function (v) { return f !== facet || v !== value; });
    });
    return copy;
  }

  function none() {
    var state = {};
    facets.forEach(function (f) { state[f] = []; });
    return state;
  }

  // The nearest match: the one filter whose removal shows the most.
  function suggest(state) {
    var best = null;
    facets.forEach(function (f) {
      state[f].forEach(function (v) {
        var next = without(state, f, v), n = count(next);
        if (n && (!best || n > best.n)) best = {n: n, state: next, label: names[f][v]};
      });
    });
    var box = empty.querySelector("[data-suggest]");
    box.textContent = "";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-secondary";
    button.textContent = best ? "Leave out " + best.label + ": " + best.n + " " + plural(best.n) : "Show all " + nouns;
    button.addEventListener("click", function () {
      change(best ? best.state : none());
      reset.focus();  // the empty state, and this button, are gone now
    });
    box.appendChild(button);
  }

  function apply(state) {
    var shown = 0, active = facets.some(function (f) { return state[f].length; });
    values.forEach(function (found, i) {
      var hide = !matches(found, state);
      if (cards[i].hidden !== hide) cards[i].hidden = hide;
      if (!hide) shown++;
    });
    var tally = {};  // facet -> value -> items it would show, the other facets as they are
    facets.forEach(function (f) {
      tally[f] = {};
      values.forEach(function (found) {
        if (matches(found, state, f)) found[f].forEach(function (v) { tally[f][v] = (tally[f][v] || 0) + 1; });
      });
    });
    options.forEach(function (o) {
      var n = tally[o.facet][o.value] || 0, on = state[o.facet].indexOf(o.value) >= 0;
      set(o.button, "aria-pressed", String(on));
      text(o.count, String(n));
      text(o.label, " " + plural(n));
      if (o.button.classList.contains("is-none") !== (!n && !on)) o.button.classList.toggle("is-none");
    });
    text(status, active ? shown + " of " + cards.length + " " + nouns + " match" : cards.length + " " + plural(cards.length));
    set(reset, "aria-disabled", String(!active));
    if (empty) {
      empty.hidden = shown > 0;
      if (!shown) suggest(state);
    }
    return active;
  }

  function change(state) {
    write(state);
    apply(state);
  }

  // On a phone a facet is a row that scrolls sideways: bring its first chosen option into view.
  function reveal() {
    groups.forEach(function (group) {
      var on = group.querySelector("[aria-pressed=true]"), row = on && on.closest("ul");
      if (row && (on.offsetLeft < row.scrollLeft || on.offsetLeft + on.offsetWidth > row.scrollLeft + row.clientWidth)) {
        row.scrollLeft = on.offsetLeft - 16;
      }
    });
  }

  root.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-value]");
    if (!button) return;
    var f = button.closest("[data-facet]").getAttribute("data-facet");
    var v = button.getAttribute("data-value"), state = read();
    state[f] = state[f].indexOf(v) >= 0 ? without(state, f, v)[f] : state[f].concat(v);
    change(state);
  });
  reset.addEventListener("click", function (event) {
    event.preventDefault();
    if (reset.getAttribute("aria-disabled") !== "true") change(none());
  });
  window.addEventListener("popstate", function () {
    if (apply(read())) reveal();
  });
  if (apply(read())) reveal();
})();
