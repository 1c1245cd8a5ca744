"""The HTML a marketer pastes into another site to show a wall or a story card:
an iframe of the embed page, with the tracking parameters of `share`, and a
listener that lets the page set the iframe's height to fit its content.

The iframe's sandbox allows only what the embed needs:
- allow-scripts: embed.js applies ?theme= and ?bg= and posts the page's height;
- allow-same-origin: so that the page keeps the site's origin, the one the
  listener checks (a sandboxed page without it has the opaque origin "null",
  which any sandboxed frame could claim). It grants the page nothing over the
  host, which is another origin: only the site's own, where it stores nothing;
- allow-top-navigation-by-user-activation: a click on "Read the full story"
  opens the story in the host's window, and only a click may;
- allow-popups and allow-popups-to-escape-sandbox: a story opened in a new
  tab (a middle click) opens as a normal page, not a sandboxed one.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from markupsafe import Markup

from advocacy.content.records import Story
from advocacy.embed import WALL_ROOT, WALL_TAXONOMIES, Wall, card_path, walls
from advocacy.errors import UsageError
from advocacy.match import profile_from_options
from advocacy.pages import path_for
from advocacy.share import find_shareable, tracked_url
from advocacy.site import Site

THEMES = ("auto", "light", "dark")
SANDBOX = "allow-scripts allow-same-origin allow-top-navigation-by-user-activation allow-popups allow-popups-to-escape-sandbox"
REFERRER_POLICY = "no-referrer"  # the tracking parameters say where a visit comes from; the host's URL stays its own
DEFAULT_CAMPAIGN = "embed"
MEDIUM = "embed"  # utm_medium of embeds: visits from them are no rep's email

# The host page's side: only messages from the origin the iframe was loaded
# from, and from that very iframe, may set its height.
LISTENER = ("<script>(function(f){var o=new URL(f.src).origin;addEventListener(\"message\",function(e){"
            "var h=e.data&&e.data.advocacyHeight;if(e.origin===o&&e.source===f.contentWindow&&h>0)"
            "f.style.height=Math.ceil(h)+\"px\"})})(document.currentScript.previousElementSibling)</script>")


@dataclass(frozen=True)
class Embed:
    """What a snippet shows: an embed page, the iframe's title and its height
    until the page reports its own."""

    path: str
    title: str
    height: int
    link: str  # the site page a Markdown fallback links to
    call: str  # the words of that link


def wall_embed(site: Site, *, collection: str | None = None, product: str | None = None,
               industry: str | None = None) -> Embed:
    """The wall of all published testimonials, or of one collection, product
    or industry; UsageError names what is wrong with the choice."""
    given = {name: value for name, value in (("--collection", collection), ("--product", product),
                                             ("--industry", industry)) if value is not None}
    if len(given) > 1:
        raise UsageError(f"give one of {' or '.join(given)}: a wall shows one set of testimonials")
    by_path = {wall.path: wall for wall in walls(site)}
    path, what = WALL_ROOT, "the site"
    if collection is not None:
        record = find_shareable(site, collection, "collection")
        path, what = f"{WALL_ROOT}{record.slug}/", f"collection '{record.slug}'"
    for key, option, name in zip(WALL_TAXONOMIES, ("--product", "--industry"), (product, industry)):
        if name is not None:
            profile = profile_from_options(site, **({"products": (name,)} if key == "products" else {"industry": name}))
            term = site.term(key, profile.products[0] if key == "products" else profile.industry)
            path, what = f"{WALL_ROOT}{key}/{term.slug}/", f"{option} '{term.name}'"
    if path not in by_path:
        raise UsageError(f"{what} has no published testimonials, so its wall would be empty; "
                         "leave the option out for the wall of all of them")
    return _wall(by_path[path])


def _wall(wall: Wall) -> Embed:
    return Embed(wall.path, wall.title, 600, wall.source, "Read what our customers say")


def story_embed(site: Site, slug: str) -> Embed:
    """The card of a published story; drafts, withheld stories and typos are
    refused as `advocacy share` refuses them."""
    story = find_shareable(site, slug, "story")
    return _card(site, story)


def _card(site: Site, story: Story) -> Embed:
    return Embed(card_path(story), f"{site.customer_of(story).name}: {story.title}", 360,
                 path_for(story), "Read the full story")


def paste(site: Site, embed: Embed, *, theme: str = "auto", transparent: bool = False,
          campaign: str = DEFAULT_CAMPAIGN, fmt: str = "html") -> str:
    """What `advocacy embed` prints: the snippet as HTML or, for a Markdown
    page, the same HTML as one block (Markdown keeps a block that starts with
    <div> as it is) and a plain link to the site's page for the renderers that
    strip iframes and scripts, such as GitHub's."""
    if theme not in THEMES:
        raise UsageError(f"--theme '{theme}' is not one of {', '.join(THEMES)}")
    look = {"theme": theme if theme != "auto" else None, "bg": "transparent" if transparent else None}
    extra = urlencode({k: v for k, v in look.items() if v}, quote_via=quote)
    url = tracked_url(site, embed.path, campaign=campaign, medium=MEDIUM)
    code = str(snippet(embed, f"{url}{'&' if '?' in url else '?'}{extra}" if extra else url))
    if fmt == "markdown":
        return f"<div>\n{code}\n</div>\n\n[{embed.call}](<{tracked_url(site, embed.link, campaign=campaign, medium=MEDIUM)}>)"
    return code


def snippet(embed: Embed, src: str) -> Markup:
    """The iframe and its listener; every value escaped."""
    return _iframe(embed, src, f"display:block;width:100%;height:{embed.height}px;border:0") + Markup("\n" + LISTENER)


def _iframe(embed: Embed, src: str, style: str | None = None) -> Markup:
    """The iframe of the snippet; without `style`, for a page whose policy
    refuses style attributes (its stylesheet sizes it)."""
    e = html.escape
    look = f' style="{style}"' if style else ' class="embed-frame"'
    return Markup(f'<iframe src="{e(src)}" title="{e(embed.title)}" loading="lazy" referrerpolicy="{REFERRER_POLICY}" '
                  f'sandbox="{SANDBOX}"{look}></iframe>')


def panel(site: Site, item: Story | None) -> dict[str, Markup | str]:
    """What the "Embed this" panel of a story page (or, without a story, of the
    testimonials page) shows: the snippet to copy, and the same snippet with a
    URL of this very site for the live preview, so that a preview on a local
    build asks nothing of the published site. The site's own pages allow no
    inline script or style: embed-panel.js listens for the preview's height."""
    embed = _card(site, item) if item is not None else _wall(walls(site)[0])
    return {"code": paste(site, embed),
            "preview": _iframe(embed, site.config.base_path + embed.path), "title": embed.title}
