"""The venue file's optional `posts` section: where guards stand, and how many each phase needs.

    posts:
      - id: E1
        name: {zh-CN: 北门岗, en: North gate post}
        zone_id: outer_perimeter
        needs: {pre_event: 1, in_session: 2}   # phase -> guards; a phase left out needs none
      - id: hall_doors
        name: {zh-CN: 主会场门岗, en: Main hall doors}
        zone_id: main_hall
        needs: {in_session: 2}
    posts_rules:
      understaffed_after_min: 5   # minutes a post may stay short of guards in session before an alert

A venue without posts behaves as before. Pure: no I/O, no Flask, no Redis.
"""
from dataclasses import dataclass, field
import math
import re

from server.venue import SectionError

KEY = "posts"
RULES_KEY = "posts_rules"
ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DEFAULT_UNDERSTAFFED_AFTER_MIN = 5.0
LANGS = ("zh-CN", "en")


@dataclass(frozen=True)
class Post:
    """A post: its names in both languages, its zone and the guards each phase needs."""

    id: str
    name: dict
    zone_id: str | None = None
    needs: dict = field(default_factory=dict)

    def needed(self, phase):
        """Return how many guards this post needs in a phase (0 when the phase is not listed)."""
        return self.needs.get(phase, 0)


@dataclass(frozen=True)
class PostRules:
    """How long a post may stay short of guards in session before the watcher tells."""

    understaffed_after_min: float = DEFAULT_UNDERSTAFFED_AFTER_MIN


def _name(where, value):
    """Check a {zh-CN, en} name; return it."""
    if not isinstance(value, dict) or not all(isinstance(value.get(lang), str) and value[lang].strip()
                                              for lang in LANGS):
        raise SectionError(where, "expected {zh-CN: …, en: …} with both names")
    return {lang: value[lang].strip() for lang in LANGS}


def _needs(where, value):
    """Check {phase: guards}; return it with int counts."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SectionError(where, "expected a mapping of phase to a number of guards, e.g. {in_session: 2}")
    for phase, count in value.items():
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 50:
            raise SectionError(f"{where}.{phase}", f"expected a whole number of guards from 0 to 50, got {count!r}"[:120])
    return {str(phase): count for phase, count in value.items()}


def _post(where, value):
    """Parse one post."""
    if not isinstance(value, dict):
        raise SectionError(where, "expected a mapping with id, name and needs")
    unknown = sorted(set(value) - {"id", "name", "zone_id", "needs"})
    if unknown:
        raise SectionError(f"{where}.{unknown[0]}", "unknown key (allowed: id, name, zone_id, needs)")
    if not isinstance(value.get("id"), str) or not ID.match(value["id"]):
        raise SectionError(f"{where}.id", "expected 1-64 of A-Z a-z 0-9 _ -")
    zone = value.get("zone_id")
    if zone is not None and not isinstance(zone, str):
        raise SectionError(f"{where}.zone_id", "expected a zone id")
    return Post(value["id"], _name(f"{where}.name", value.get("name")), zone, _needs(f"{where}.needs", value.get("needs")))


def parse(value, where=KEY):
    """Return the venue's posts as a tuple (empty when the section is absent), or raise SectionError."""
    if value is None:
        return ()
    if not isinstance(value, list):
        raise SectionError(where, "expected a list of posts")
    posts = tuple(_post(f"{where}[{i}]", item) for i, item in enumerate(value))
    seen = set()
    for i, post in enumerate(posts):
        if post.id in seen:
            raise SectionError(f"{where}[{i}].id", f"duplicate post id {post.id!r}")
        seen.add(post.id)
    return posts


def parse_rules(value, where=RULES_KEY):
    """Return the PostRules of the section (defaults when absent), or raise SectionError."""
    if value is None:
        return PostRules()
    if not isinstance(value, dict) or set(value) - {"understaffed_after_min"}:
        raise SectionError(where, "expected a mapping with understaffed_after_min")
    minutes = value.get("understaffed_after_min", DEFAULT_UNDERSTAFFED_AFTER_MIN)
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or not math.isfinite(minutes) or minutes <= 0:
        raise SectionError(f"{where}.understaffed_after_min", "expected a number of minutes greater than 0")
    return PostRules(float(minutes))
