// advocacy: progressive enhancements. The site works without this file.
(function () {
  "use strict";

  // Click-to-load video: the provider's player (an iframe) is created only
  // after the visitor presses play, so nothing is requested before that.
  function loadPlayer(figure) {
    var frame = document.createElement("iframe");
    frame.src = figure.getAttribute("data-embed");
    frame.title = figure.getAttribute("data-title") || "Video";
    frame.allow = "autoplay; fullscreen; picture-in-picture; encrypted-media";
    frame.allowFullscreen = true;
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    var facade = figure.querySelector(".video-facade");
    figure.replaceChild(frame, facade);
    figure.classList.add("is-playing");
    frame.focus();
  }

  // Event times: the page shows the event's own zone; add the visitor's
  // local time where it differs.
  [].forEach.call(document.querySelectorAll("time[data-local-time]"), function (time) {
    var iso = time.getAttribute("datetime"), moment = new Date(iso), zone = iso.match(/([+-])(\d\d):(\d\d)$/);
    var offset = zone ? (zone[1] === "-" ? 1 : -1) * (zone[2] * 60 + Number(zone[3])) : 0;  // as getTimezoneOffset
    if (isNaN(moment) || moment.getTimezoneOffset() === offset) return;
    var local = document.createElement("span");
    local.className = "local-time";
    local.textContent = " · your time: " + moment.toLocaleString([], {dateStyle: "medium", timeStyle: "short"});
    time.parentNode.insertBefore(local, time.nextSibling);
  });

  // Share box: copy the page's link. Where the Clipboard API is missing or
  // refused, the link is selected in its field for the visitor to copy.
  var share = document.querySelector("[data-share]");
  if (share) {
    var field = share.querySelector("input"), copy = share.querySelector("button");
    var said = function (text) { share.querySelector("[role=status]").textContent = text; };
    var select = function () { field.focus(); field.select(); said("Selected: press Ctrl+C (⌘C on a Mac) to copy."); };
    copy.hidden = false;
    copy.onclick = function () {
      if (!navigator.clipboard) return select();
      navigator.clipboard.writeText(field.value).then(function () { said("Link copied."); }, select);
    };
  }

  document.addEventListener("click", function (event) {
    var facade = event.target.closest && event.target.closest(".video-facade");
    if (!facade) return;
    var figure = facade.closest(".video[data-embed]");
    if (!figure || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    loadPlayer(figure);
  });
})();
