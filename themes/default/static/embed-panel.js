// "Embed this": the live preview goes into the page only when the panel opens,
// so that nothing loads before; then it takes the height its page posts, as the
// snippet's own listener does (this site's pages allow no inline script).
addEventListener("toggle", function (event) {
  var template = event.target.open && event.target.querySelector("template[data-embed-preview]");
  if (!template) return;
  var frame = template.content.firstElementChild;
  template.replaceWith(frame);
  addEventListener("message", function (e) {
    var height = e.data && e.data.advocacyHeight;
    if (e.origin === location.origin && e.source === frame.contentWindow && height > 0) frame.style.height = Math.ceil(height) + "px";
  });
}, true);
