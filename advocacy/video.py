"""Video links from the four providers we accept, and how to play them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

PROVIDERS = ("YouTube", "Vimeo", "Wistia", "Loom")


@dataclass(frozen=True)
class VideoLink:
    provider: str
    video_id: str
    url: str  # the page a visitor without JavaScript is sent to

    @property
    def embed_url(self) -> str:
        """The player, loaded only after the visitor asks for it."""
        if self.provider == "YouTube":
            return f"https://www.youtube-nocookie.com/embed/{self.video_id}?autoplay=1"
        if self.provider == "Vimeo":
            return f"https://player.vimeo.com/video/{self.video_id}?autoplay=1&dnt=1"
        if self.provider == "Wistia":
            return f"https://fast.wistia.net/embed/iframe/{self.video_id}?autoPlay=true"
        return f"https://www.loom.com/embed/{self.video_id}?autoplay=1"


_YOUTUBE_ID = r"([A-Za-z0-9_-]{11})"


def parse_video_url(url: str) -> VideoLink | None:
    """A VideoLink for a YouTube, Vimeo, Wistia or Loom URL, else None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().removeprefix("www.").removeprefix("m.")
    path = parts.path

    if host in ("youtube.com", "youtube-nocookie.com", "youtu.be"):
        if host == "youtu.be":
            match = re.fullmatch(rf"/{_YOUTUBE_ID}/?", path)
        elif path == "/watch":
            match = re.fullmatch(_YOUTUBE_ID, (parse_qs(parts.query).get("v") or [""])[0])
        else:
            match = re.fullmatch(rf"/(?:embed|shorts|live)/{_YOUTUBE_ID}/?", path)
        if match:
            video_id = match.group(1)
            return VideoLink("YouTube", video_id, f"https://www.youtube.com/watch?v={video_id}")
    elif host in ("vimeo.com", "player.vimeo.com"):
        # vimeo.com/ID[/HASH], player.vimeo.com/video/ID, and the address-bar forms
        # vimeo.com/channels/NAME/ID and vimeo.com/groups/NAME/videos/ID
        match = re.fullmatch(r"/(?:video/|channels/[\w-]+/|groups/[\w-]+/videos/)?(\d+)(?:/[0-9a-f]+)?/?", path)
        if match:
            return VideoLink("Vimeo", match.group(1), f"https://vimeo.com/{match.group(1)}")
    elif host == "fast.wistia.net" or host.endswith((".wistia.com", ".wistia.net", ".wi.st")):
        match = re.fullmatch(r"/(?:medias|embed/iframe|embed/medias)/([A-Za-z0-9]{10})/?", path)
        if match:
            return VideoLink("Wistia", match.group(1), url.strip())
    elif host == "loom.com":
        match = re.fullmatch(r"/(?:share|embed)/([0-9a-f]{32})/?", path)
        if match:
            return VideoLink("Loom", match.group(1), f"https://www.loom.com/share/{match.group(1)}")
    return None
