"""What `advocacy serve` adds to the HTML pages it sends: the live-reload
script, a banner on drafts, and the build errors over the last good page.

Nothing here is ever written to disk: the additions exist in responses only,
so a built site never carries them.
"""

from __future__ import annotations

import hashlib
import html

from advocacy.errors import Problem

PREFIX = "/__advocacy__/"  # the preview's own URLs; no page of a site starts with it

# Reloads the page when a build changed it. The server says that a build
# finished; the script asks for its page again and compares the digest of
# what it shows (the page, its draft banner, the errors) with its own: a build
# that changed other pages leaves this one alone, and it listens on from there.
# The server learns which pages are open from their event streams (page=), and
# renders those first after a save. EventSource reconnects by itself after a
# restart of the server. A hidden tab
# lets go of its connection (browsers open only six to one server, and every
# open event stream holds one); when it is shown again it asks, and reloads if
# it missed a build that changed it.
RELOAD_JS = b"""\
(function () {
  var me = document.currentScript;
  var since = me ? me.getAttribute("data-version") : "0";
  var digest = me ? me.getAttribute("data-page") : null;
  var source = null;
  function listen() {
    if (source) { return; }
    source = new EventSource("/__advocacy__/events?since=" + encodeURIComponent(since) +
                             "&page=" + encodeURIComponent(window.location.pathname));
    source.addEventListener("reload", function () {
      pause();
      fetch(window.location.href, {cache: "no-store"}).then(function (answer) { return answer.text(); })
        .then(function (text) {
          var all = text.match(/data-version="\\d+" data-page="[0-9a-f]+"/g);  // ours is the last
          var found = all && all[all.length - 1].match(/"(\\d+)" data-page="([0-9a-f]+)"/);
          if (!found || !digest || found[2] !== digest) { window.location.reload(); return; }
          since = found[1];
          if (!document.hidden) { listen(); }
        }, function () { window.location.reload(); });
    });
  }
  function pause() {
    if (source) { source.close(); source = null; }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { pause(); } else { listen(); }
  });
  if (!document.hidden) { listen(); }
})();
"""

# Served as a file (PREVIEW_CSS_URL), not in style attributes: the theme's
# Content-Security-Policy allows only stylesheets of the site's own origin.
PREVIEW_CSS = b"""\
[data-advocacy-draft] { position: sticky; top: 0; z-index: 2147483646; margin: 0; padding: .5rem 1rem;
  background: #fff3cd; color: #5c4400; border-bottom: 2px solid #c69500;
  font: 600 15px/1.4 system-ui, sans-serif; text-align: center; }
[data-advocacy-errors] { position: fixed; inset: auto 0 0 0; max-height: 60vh; overflow: auto; z-index: 2147483647;
  margin: 0; padding: 1rem 1.25rem; background: #2b0b0e; color: #ffe9e9; border-top: 4px solid #ff5a5f;
  font: 14px/1.5 ui-monospace, monospace; box-shadow: 0 -4px 24px rgba(0, 0, 0, .4); }
[data-advocacy-errors] h2 { margin: 0 0 .5rem; font: 700 16px/1.3 system-ui, sans-serif; color: #ffb3b5; }
[data-advocacy-errors] ul { margin: 0; padding-left: 1.25rem; }
[data-advocacy-errors] p { margin: .5rem 0 0; opacity: .8; }
"""
PREVIEW_CSS_URL = PREFIX + "preview.css"


def inject(page: bytes, draft_source: str | None, version: int, problems: list[Problem]) -> bytes:
    """Add the reload script, and the draft banner or the error overlay, to an HTML page."""
    text = page.decode("utf-8", "replace")
    top = ""
    if draft_source:
        top = (f'<p data-advocacy-draft role="status">Draft: shown in this preview only. '
               f"Set status: published in {html.escape(draft_source)} to publish it.</p>")
    bottom = (f'<link rel="stylesheet" href="{PREVIEW_CSS_URL}">'
              f'<script src="{PREFIX}reload.js" data-version="{version}" data-page="{_digest(page, top, problems)}">'
              "</script>")
    if problems:
        bottom = overlay(problems) + bottom
    lower = text.lower()
    body = lower.find("<body")
    if top and body != -1 and (close := lower.find(">", body)) != -1:
        text = text[:close + 1] + top + text[close + 1:]
        lower = text.lower()
    end = lower.rfind("</body>")
    text = text[:end] + bottom + text[end:] if end != -1 else text + bottom
    return text.encode("utf-8")


def _digest(page: bytes, banner: str, problems: list[Problem]) -> str:
    """What a page shows, in short: the reload script reloads only when it differs."""
    shown = [page, banner.encode(), *(str(problem).encode() for problem in problems)]
    return hashlib.blake2b(b"\0".join(shown), digest_size=8).hexdigest()


def overlay(problems: list[Problem]) -> str:
    """The build errors, shown over the last good page until they are fixed."""
    items = "".join(f"<li><b>{html.escape(p.path)}:{p.line}</b>: {html.escape(p.message + p.where)}</li>" for p in problems)
    count = f"{len(problems)} error" + ("s" if len(problems) != 1 else "")
    return (f'<section data-advocacy-errors role="alert">'
            f"<h2>The site could not be rebuilt: {count}. Fix and save; this page reloads by itself.</h2>"
            f"<ul>{items}</ul><p>Below it: the last version that built.</p></section>")


ERROR_PAGE = b"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>advocacy preview: errors</title>
</head><body style="font:16px/1.5 system-ui,sans-serif;margin:2rem"><h1>No preview yet</h1>
<p>The site has not built yet. The errors are listed below.</p></body></html>"""
