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
  var noun = root.getAttribute("data-noun"), nouns = root.getAttribute("data-nouns");
  var names = {};  // facet -> value -> the option's name, for the empty state

  function plural(n) { return n === 1 ? noun : nouns; }
  function valuesOf(card, facet) {
    var v = card.getAttribute("data-" + facet);
    return v ? v.split(" ") : [];
  }

  // Each option link becomes a toggle button with the same content.
  groups.forEach(function (group, i) {
    names[facets[i]] = {};
    [].forEach.call(group.querySelectorAll("a[data-value]"), function (link) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = link.className;
      button.setAttribute("data-value", link.getAttribute("data-value"));
      names[facets[i]][link.getAttribute("data-value")] = link.firstChild.textContent.trim();
      while (link.firstChild) button.appendChild(link.firstChild);
      link.parentNode.replaceChild(button, link);
    });
  });
  var reset = root.querySelector("[data-reset]");  // a link to the whole list

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
  function matches(card, state, skip) {
    return facets.every(function (f) {
      return f === skip || !state[f].length || valuesOf(card, f).some(function (v) {
        return state[f].indexOf(v) >= 0;
      });
    });
  }

  function count(state) {
    return cards.filter(function (c) { return matches(c, state); }).length;
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

  // The nearest match: the one filter (or facet) whose removal shows the most.
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
    var shown = 0, active = false;
    cards.forEach(function (card) {
      card.hidden = !matches(card, state);
      if (!card.hidden) shown++;
    });
    groups.forEach(function (group, i) {
      var f = facets[i];
      if (state[f].length) active = true;
      [].forEach.call(group.querySelectorAll("button[data-value]"), function (button) {
        var v = button.getAttribute("data-value"), on = state[f].indexOf(v) >= 0;
        var n = cards.filter(function (c) { return matches(c, state, f) && valuesOf(c, f).indexOf(v) >= 0; }).length;
        button.setAttribute("aria-pressed", String(on));
        button.querySelector("[data-count]").textContent = n;
        button.querySelector("[data-count] + .visually-hidden").textContent = " " + plural(n);
        button.classList.toggle("is-none", !n && !on);
      });
    });
    status.textContent = active ? shown + " of " + cards.length + " " + nouns + " match"
      : cards.length + " " + plural(cards.length);
    reset.setAttribute("aria-disabled", String(!active));
    if (empty) {
      empty.hidden = shown > 0;
      if (!shown) suggest(state);
    }
  }

  function change(state) {
    write(state);
    apply(state);
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
  // On a phone a facet is a row that scrolls sideways: bring its first chosen option into view.
  function reveal() {
    groups.forEach(function (group) {
      var on = group.querySelector("[aria-pressed=true]"), row = on && on.closest("ul");
      if (row && (on.offsetLeft < row.scrollLeft || on.offsetLeft + on.offsetWidth > row.scrollLeft + row.clientWidth)) {
        row.scrollLeft = on.offsetLeft - 16;
      }
    });
  }

  window.addEventListener("popstate", function () { apply(read()); reveal(); });
  apply(read());
  reveal();
})();
