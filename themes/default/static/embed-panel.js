// "Embed this": the live preview, the snippet itself, goes into the page only
// when the panel opens, so that nothing loads before that.
addEventListener("toggle", function (event) {
  var preview = event.target.open && event.target.querySelector("template[data-embed-preview]");
  if (preview) preview.replaceWith(preview.content.cloneNode(true));
}, true);
