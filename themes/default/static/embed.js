// The embed pages' script, in <head> after the styles. ?theme=light|dark turns
// the colour-scheme rules of the styles on or off (the palette stays in one
// place), ?bg=transparent shows the host page through, and the page's height
// goes to the host page, whose snippet sets the iframe's height.
(function () {
  var query = new URLSearchParams(location.search), root = document.documentElement, theme = query.get("theme");
  if (theme === "light" || theme === "dark") {
    root.style.colorScheme = theme;
    [].forEach.call(document.styleSheets, function (sheet) {
      [].forEach.call(sheet.cssRules, function (rule) {
        var media = rule.media && rule.media.mediaText;
        if (/prefers-color-scheme/.test(media)) rule.media.mediaText = /dark/.test(media) === (theme === "dark") ? "all" : "not all";
      });
    });
  }
  if (query.get("bg") === "transparent") root.setAttribute("data-bg", "transparent");
  // to any origin: a height is no secret, and the host's origin is not known here
  if (parent !== window) new ResizeObserver(function () { parent.postMessage({advocacyHeight: root.offsetHeight}, "*"); }).observe(root);
})();
