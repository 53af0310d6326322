#!/usr/bin/env python3
"""Generates a synthetic WordPress export (WXR 1.2) shaped like what WordPress 6.x writes
from Tools → Export → All content, for benchmarking and testing `pamphlet import wordpress`.

The export is a newsroom's: about 30 categories in a nested tree, about 300 tags, a dozen
authors, then the items in post-ID order: about 20 pages (some nested), a main navigation
menu, and N posts, each followed by its attachments (featured images and images in the body).
Half of the posts are written in the classic editor (implicit paragraphs separated by blank
lines, `[caption]` shortcodes, `<!--more-->`), half in the block editor
(`<!-- wp:paragraph -->…`). Bodies are 10–15 KB, so 20,000 posts make an export of a few
hundred MB. Some posts are drafts (no slug, no GMT date, a `?p=ID` link), a few are pending,
private or password-protected, about 5 % have Urdu titles with percent-encoded slugs, and
some have comments. Bodies link to other posts by their old addresses (pretty permalinks,
`/?p=ID`, `http://`, `www.`, root-relative, with fragments) and to uploads.

The output depends only on the options: the same --seed gives the same file.

usage: gen_wxr.py --posts N --out FILE [--seed S] [--uploads-dir DIR]
  --uploads-dir DIR  also write DIR/YYYY/MM/… placeholder files (a few bytes each, not real
                     images) for every upload the export references (full size and the
                     resized copies bodies use): a stand-in for wp-content/uploads, to pass
                     to `pamphlet import wordpress --uploads DIR`.

Standard library only (Python 3.11).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import sys
import time

SITE = "https://news.example.org"
OFFSET = dt.timedelta(hours=5)  # the site's time zone: +05:00
SPACE = re.compile(" ")
PLACEHOLDER = b"placeholder image for a synthetic WordPress export\n"

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

WORDS = """
government minister parliament budget election court judge ruling policy province city
district council mayor police officers protest march rally workers union strike farmers
wheat cotton water canal flood rain monsoon heat drought energy electricity power plant
gas prices inflation rupee dollar market traders shops factory exports imports tax revenue
hospital doctors nurses patients vaccine health schools teachers students university exam
results women rights children families villages roads bridge railway station bus transport
traffic accident fire rescue officials report inquiry committee commission data survey
figures percent million billion year month week today yesterday morning evening night
spokesperson statement interview press conference meeting talks agreement deal plan project
scheme funds loan bank investment company business owners residents community leaders
mosque church temple festival culture music film artists writers book library museum heritage
cricket match team captain series stadium fans coach players season league trophy win defeat
climate pollution smog air quality forest trees wildlife river lake coast fishing boats port
internet mobile phone network digital online social media platform journalists newspaper
editor television radio broadcast freedom speech law bill amendment constitution senate
assembly opposition party coalition campaign vote voters candidates polling counting result
security army border checkpoint curfew operation militants attack blast victims injured
killed arrested released bail hearing petition lawyer appeal verdict sentence prison jail
housing rent land property development construction contractors engineers design architects
summer winter spring autumn season weather storm wind dust temperature record highest lowest
north south east west central rural urban local national regional international foreign
new old large small major minor senior junior former current next last first second third
said told added noted warned claimed announced confirmed denied rejected approved demanded
asked promised expected planned decided agreed refused allowed ordered began ended continued
across after before during under over between among against without within around through
""".split()

PROPER = """
Lahore Karachi Islamabad Peshawar Quetta Multan Faisalabad Hyderabad Sialkot Gujranwala
Punjab Sindh Balochistan Khyber Ravi Indus Chenab Margalla Karakoram Gwadar Thar Swat
Ayesha Bilal Farah Hamza Imran Javeria Kamran Mehwish Nadia Omar Rabia Saad Tariq Zainab
""".split()

URDU_WORDS = """
ڈیجیٹل حقوق پاکستان لاہور کراچی حکومت عدالت فیصلہ انتخابات پارلیمان بجٹ مہنگائی پانی
بجلی سیلاب بارش صحت تعلیم خواتین بچے مزدور کسان شہر صوبہ پولیس احتجاج صحافی آزادی
اظہار قانون ترمیم رپورٹ اعداد موسم گرمی سردی کرکٹ میچ ٹیم کتاب میلہ ثقافت تاریخ
""".split()

EXTERNAL = [
    "https://www.dawn.com/news/{n}",
    "https://tribune.com.pk/story/{n}/",
    "https://en.wikipedia.org/wiki/Lahore",
    "https://www.pbs.gov.pk/content/{n}",
    "https://twitter.com/example/status/{n}",
    "https://www.reuters.com/world/asia-pacific/story-{n}/",
]

# (slug, name, parent slug, description); parents come before children, like WordPress writes.
CATEGORIES = [
    ("news", "News", "", "Reporting from across the country."),
    ("pakistan", "Pakistan", "news", "National news."),
    ("punjab", "Punjab", "pakistan", ""),
    ("lahore", "Lahore", "punjab", "The city desk."),
    ("sindh", "Sindh", "pakistan", ""),
    ("karachi", "Karachi", "sindh", ""),
    ("balochistan", "Balochistan", "pakistan", ""),
    ("khyber-pakhtunkhwa", "Khyber Pakhtunkhwa", "pakistan", ""),
    ("world", "World", "news", "International news."),
    ("south-asia", "South Asia", "world", ""),
    ("politics", "Politics", "", "Parliament, parties and elections."),
    ("elections", "Elections", "politics", ""),
    ("business", "Business", "", "Markets, trade and the economy."),
    ("economy", "Economy", "business", ""),
    ("markets", "Markets", "business", ""),
    ("energy", "Energy", "business", ""),
    ("law-policy", "Law &amp; Policy", "", "Courts, laws and the policies that shape them."),
    ("courts", "Courts", "law-policy", ""),
    ("digital-rights", "Digital rights", "law-policy", "Privacy, speech and the internet."),
    ("environment", "Environment", "", ""),
    ("climate", "Climate", "environment", ""),
    ("health", "Health", "", ""),
    ("education", "Education", "", ""),
    ("sport", "Sport", "", ""),
    ("cricket", "Cricket", "sport", ""),
    ("culture", "Culture", "", "Books, film, music and heritage."),
    ("tv-radio", "TV/Radio", "culture", "Broadcasting."),
    ("books", "Books", "culture", ""),
    ("opinion", "Opinion", "", "Columns and editorials."),
    ("editorials", "Editorials", "opinion", ""),
    ("%d8%a7%d8%b1%d8%af%d9%88", "اردو", "", "اردو میں خبریں"),
    ("uncategorized", "Uncategorized", "", ""),
]

AUTHORS = [
    ("ayesha.khan", "Ayesha Khan", "Ayesha", "Khan"),
    ("bilal.ahmed", "Bilal Ahmed", "Bilal", "Ahmed"),
    ("farah.siddiqui", "Farah Siddiqui", "Farah", "Siddiqui"),
    ("hamza.malik", "Hamza Malik", "Hamza", "Malik"),
    ("imran.qureshi", "Imran Qureshi", "Imran", "Qureshi"),
    ("javeria.shah", "Javeria Shah", "Javeria", "Shah"),
    ("kamran.baig", "Kamran Baig", "Kamran", "Baig"),
    ("mehwish.raza", "Mehwish Raza", "Mehwish", "Raza"),
    ("nadia.hussain", "Nadia Hussain", "Nadia", "Hussain"),
    ("omar.farooq", "Omar Farooq", "Omar", "Farooq"),
    ("newsdesk", "News Desk", "", ""),
    ("admin", "admin", "", ""),
]

# (slug, title, parent index or None, body kind); parents come first.
PAGES = [
    ("about", "About us", None, "classic"),
    ("team", "Our team", 0, "classic"),
    ("ethics", "Ethics policy", 0, "block"),
    ("corrections", "Corrections policy", 2, "block"),
    ("contact", "Contact", None, "classic"),
    ("tips", "Send us a tip", 4, "block"),
    ("advertise", "Advertise", None, "classic"),
    ("privacy-policy", "Privacy Policy", None, "block"),
    ("terms", "Terms of use", None, "classic"),
    ("archives", "Archives", None, "archives"),
    ("subscribe", "Subscribe", None, "block"),
    ("newsletters", "Newsletters", 10, "block"),
    ("donate", "Support our journalism", None, "classic"),
    ("monthly", "Give monthly", 12, "classic"),
    ("careers", "Careers", None, "classic"),
    ("internships", "Internships", 14, "classic"),
    ("faq", "Frequently asked questions", None, "block"),
    ("%d8%b1%d8%a7%d8%a8%d8%b7%db%81", "رابطہ", None, "classic"),
    ("events", "Events", None, "block"),
    ("annual-report-2023", "Annual report 2023", 0, "classic"),
]


def wp_encode(text: str) -> str:
    """Percent-encodes non-ASCII characters the way WordPress's utf8_uri_encode does."""
    return "".join(c if ord(c) < 128 else "".join(f"%{b:02x}" for b in c.encode()) for c in text)


def sanitize_title(title: str) -> str:
    """A slug like WordPress's sanitize_title (enough for generated titles)."""
    title = title.replace("&amp;", "").replace("’", "").replace("“", "").replace("”", "")
    out = []
    for c in title.lower():
        if c.isalnum():
            out.append(c)
        elif c in " -_":
            out.append("-")
    slug = "-".join(part for part in "".join(out).split("-") if part)
    return wp_encode(slug)


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def wp_date(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


def rfc822(utc: dt.datetime) -> str:
    return f"{DAYS[utc.weekday()]}, {utc.day:02d} {MONTHS[utc.month - 1]} {utc.year} {utc:%H:%M:%S} +0000"


def php_serialize(value) -> str:
    """PHP's serialize() for the dicts, lists, ints and strings attachment metadata holds."""
    if isinstance(value, bool):
        return f"b:{int(value)};"
    if isinstance(value, int):
        return f"i:{value};"
    if isinstance(value, str):
        return f's:{len(value.encode())}:"{value}";'
    if isinstance(value, list):
        value = dict(enumerate(value))
    body = "".join(php_serialize(k) + php_serialize(v) for k, v in value.items())
    return f"a:{len(value)}:{{{body}}}"


class Text:
    """Sentence pools and helpers for prose."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.sentences = [self._sentence() for _ in range(6000)]
        self.urdu_sentences = [self._urdu_sentence() for _ in range(800)]

    def _sentence(self) -> str:
        rng = self.rng
        n = rng.randint(9, 24)
        words = rng.choices(WORDS, k=n)
        for i in range(n):
            r = rng.random()
            if r < 0.08:
                words[i] = rng.choice(PROPER)
            elif r < 0.10:
                words[i] = str(rng.randint(2, 980))
        if rng.random() < 0.3:
            words[rng.randrange(2, n - 1)] += ","
        if rng.random() < 0.12:
            i = rng.randrange(1, n - 3)
            words[i] = "“" + words[i]
            words[i + 2] += "”"
        if rng.random() < 0.05:
            words.insert(rng.randrange(1, n), "&amp;")
        if rng.random() < 0.05:
            words[rng.randrange(0, n - 1)] += "’s"
        words[0] = words[0][:1].upper() + words[0][1:]
        end = "?" if rng.random() < 0.04 else "."
        return " ".join(words) + end

    def _urdu_sentence(self) -> str:
        return " ".join(self.rng.choices(URDU_WORDS, k=self.rng.randint(8, 18))) + "۔"

    def paragraph(self, urdu: bool, lo: int = 6, hi: int = 12) -> str:
        pool = self.urdu_sentences if urdu else self.sentences
        return " ".join(self.rng.choices(pool, k=self.rng.randint(lo, hi)))

    def short(self, lo: int = 1, hi: int = 2) -> str:
        return " ".join(self.rng.choices(self.sentences, k=self.rng.randint(lo, hi)))

    @staticmethod
    def clip(text: str, limit: int) -> str:
        """`text` cut at the last space before `limit` characters."""
        return text if len(text) <= limit else text[: text.rfind(" ", 0, limit)] + "…"

    def title(self) -> str:
        rng = self.rng
        words = rng.choices(WORDS, k=rng.randint(4, 10))
        if rng.random() < 0.4:
            words[rng.randrange(len(words))] = rng.choice(PROPER)
        if rng.random() < 0.06:
            words.insert(rng.randrange(1, len(words)), "&amp;")
        if rng.random() < 0.05:
            words[0] = "“" + words[0]
            words[1] += "”"
        title = " ".join(words)
        return title[:1].upper() + title[1:]

    def urdu_title(self) -> str:
        return " ".join(self.rng.choices(URDU_WORDS, k=self.rng.randint(3, 5)))

    def wrap_inline(self, text: str, open_tag: str, close_tag: str) -> str:
        """Wraps a few words near the start of `text` in a tag (a link, <strong>, <em>), never
        inside or across another tag."""
        spaces = [m.start() for m in SPACE.finditer(text, 0, 400)]
        if len(spaces) < 6:
            return text
        for _ in range(4):
            a = self.rng.randrange(1, len(spaces) - 4)
            b = a + self.rng.randint(1, 4)
            start, end = spaces[a] + 1, spaces[b]
            segment, before = text[start:end], text[:start]
            if "<" not in segment and ">" not in segment and before.count("<") == before.count(">"):
                return text[:start] + open_tag + segment + close_tag + text[end:]
        return text


class Generator:
    def __init__(self, posts: int, seed: int):
        self.rng = random.Random(seed)
        self.text = Text(self.rng)
        self.n_posts = posts
        self.next_id = 2
        self.next_comment = 1
        self.uploads: list[str] = []  # every file the uploads folder holds (paths inside it)
        self.upload_names: set[str] = set()
        self.tags = self._tags()
        self.pages = self._plan_pages()
        self.menu = self._plan_menu()
        self.posts = self._plan_posts()
        self.published = [p for p in self.posts if p["status"] == "publish"]

    # ---- planning: ids, dates, slugs and links of everything, before any body is written

    def _id(self) -> int:
        i = self.next_id
        self.next_id += 1
        return i

    def _tags(self) -> list[tuple[str, str]]:
        rng = self.rng
        tags, seen = [], set()
        while len(tags) < 300:
            r = rng.random()
            if r < 0.25:
                name = rng.choice(PROPER)
                if rng.random() < 0.5:
                    name += " " + rng.choice(WORDS)
            elif r < 0.9:
                name = " ".join(rng.choices(WORDS, k=rng.randint(1, 3)))
            elif r < 0.95:
                name = " ".join(rng.choices(URDU_WORDS, k=rng.randint(1, 2)))
            else:
                name = rng.choice(WORDS).capitalize() + " &amp; " + rng.choice(WORDS)
            slug = sanitize_title(name)
            if slug in seen:
                continue
            seen.add(slug)
            tags.append((slug, name))
        return tags

    def _plan_pages(self) -> list[dict]:
        rng = self.rng
        pages = []
        base = dt.datetime(2011, 3, 1, 10, 0, 0)
        for i, (slug, title, parent, kind) in enumerate(PAGES):
            local = base + dt.timedelta(days=i * 9, minutes=rng.randrange(600))
            path = [slug]
            p = parent
            while p is not None:
                path.insert(0, PAGES[p][0])
                p = PAGES[p][2]
            pages.append(
                {
                    "id": self._id(),
                    "slug": slug,
                    "title": title,
                    "parent": parent,
                    "kind": kind,
                    "local": local,
                    "modified": local + dt.timedelta(days=rng.randrange(30, 2000)),
                    "link": f"{SITE}/{'/'.join(path)}/",
                }
            )
        for page in pages:
            page["parent_id"] = pages[page["parent"]]["id"] if page["parent"] is not None else 0
        return pages

    def _plan_menu(self) -> list[dict]:
        # Home (custom), About (page), News (category), Politics (category), a "More"
        # placeholder with Subscribe and Donate (pages) under it, Contact (page).
        entries = [
            ("Home", "custom", f"{SITE}/", None, None),
            ("", "post_type", None, 0, None),
            ("", "taxonomy", None, None, "news"),
            ("", "taxonomy", None, None, "politics"),
            ("More", "custom", "#", None, None),
            ("", "post_type", None, 10, "more"),
            ("", "post_type", None, 12, "more"),
            ("Get in touch", "post_type", None, 4, None),
        ]
        menu, more_id = [], 0
        for order, (title, kind, url, page, parent) in enumerate(entries, start=1):
            item = {"id": self._id(), "title": title, "kind": kind, "url": url, "order": order}
            item["object_id"] = self.pages[page]["id"] if page is not None else item["id"]
            item["object"] = {"custom": "custom", "post_type": "page", "taxonomy": "category"}[kind]
            if kind == "taxonomy":
                item["object_id"] = 1 + [c[0] for c in CATEGORIES].index(parent)
            item["parent"] = more_id if parent == "more" else 0
            if title == "More":
                more_id = item["id"]
            menu.append(item)
        return menu

    def _plan_posts(self) -> list[dict]:
        rng = self.rng
        n = self.n_posts
        start = dt.datetime(2010, 1, 4, 8, 0, 0)
        span = (dt.datetime(2024, 12, 20) - start).total_seconds()
        step = span / max(n, 1)
        slugs: set[str] = set()
        posts = []
        leaf_weights = [3 if c[2] else 1 for c in CATEGORIES]
        for i in range(n):
            local = start + dt.timedelta(seconds=int(i * step + rng.random() * step * 0.9))
            local = local.replace(hour=rng.randint(6, 23), minute=rng.randrange(60), second=rng.randrange(60))
            r = rng.random()
            status = (
                "publish" if r < 0.94 else "draft" if r < 0.985 else "pending" if r < 0.99 else "private"
            )
            urdu = rng.random() < 0.05
            title = self.text.urdu_title() if urdu else self.text.title()
            post_id = self._id()
            if status in ("draft", "pending"):
                slug = ""  # WordPress gives a post its slug when it is published
                link = f"{SITE}/?p={post_id}"
            else:
                words = title.split()
                slug = sanitize_title(" ".join(words[: rng.randint(3, 8)]) if rng.random() < 0.3 else title)
                if not slug:
                    slug = str(post_id)
                base, k = slug, 2
                while slug in slugs:
                    slug = f"{base}-{k}"
                    k += 1
                slugs.add(slug)
                link = f"{SITE}/{local:%Y/%m/%d}/{slug}/"
            if urdu:
                cats = ["%d8%a7%d8%b1%d8%af%d9%88"]
            elif rng.random() < 0.03:
                cats = ["uncategorized"]
            else:
                cats = [c[0] for c in rng.choices(CATEGORIES[:-2], weights=leaf_weights[:-2], k=rng.choice((1, 1, 1, 2, 3)))]
                cats = list(dict.fromkeys(cats))
            tags = list(dict.fromkeys(rng.choices(self.tags, k=rng.choice((0, 1, 2, 3, 3, 4, 5, 6)))))
            modified = local if rng.random() < 0.6 else local + dt.timedelta(minutes=rng.randrange(5, 60 * 24 * 400))
            post = {
                "id": post_id,
                "title": title,
                "slug": slug,
                "link": link,
                "local": local,
                "modified": modified,
                "status": status,
                "urdu": urdu,
                "block": rng.random() < 0.5,
                "author": rng.choice(AUTHORS)[0],
                "cats": cats,
                "tags": tags,
                "password": "press" if rng.random() < 0.002 else "",
                "sticky": rng.random() < 0.001,
                "attachments": [],
            }
            # Attachments are created while the post is edited: their ids follow the post's.
            n_inline = rng.choice((0, 0, 0, 1, 1, 2))
            featured = status == "publish" and rng.random() < 0.6
            for k in range(n_inline + int(featured)):
                post["attachments"].append(self._plan_attachment(post, title if urdu else None))
            post["featured"] = post["attachments"][-1] if featured else None
            post["inline"] = post["attachments"][:n_inline]
            posts.append(post)
        return posts

    def _plan_attachment(self, post: dict, urdu_title: str | None) -> dict:
        rng = self.rng
        local = post["local"] - dt.timedelta(minutes=rng.randrange(1, 90))
        folder = f"{local:%Y/%m}"
        r = rng.random()
        if r < 0.3:
            stem = f"IMG_{rng.randrange(1000, 9999)}"
        elif r < 0.4:
            stem = f"WhatsApp-Image-{local:%Y-%m-%d}-at-{rng.randrange(1, 12)}.{rng.randrange(10, 59)}.{rng.randrange(10, 59)}-PM"
        else:
            stem = "-".join(rng.choices(WORDS + [p.lower() for p in PROPER], k=rng.randint(1, 4)))
        ext = "png" if rng.random() < 0.1 else "jpg"
        name, k = f"{stem}.{ext}", 1
        while f"{folder}/{name}" in self.upload_names:
            name = f"{stem}-{k}.{ext}"
            k += 1
        self.upload_names.add(f"{folder}/{name}")
        width, height = rng.choice(((1600, 1067), (2048, 1365), (1200, 800), (1080, 1350), (1920, 1080)))
        stem_final = name.rsplit(".", 1)[0]
        large_h = round(1024 * height / width)
        medium_h = round(300 * height / width)
        sizes = {
            "medium": (f"{stem_final}-300x{medium_h}.{ext}", 300, medium_h),
            "large": (f"{stem_final}-1024x{large_h}.{ext}", 1024, large_h),
            "thumbnail": (f"{stem_final}-150x150.{ext}", 150, 150),
        }
        self.uploads.append(f"{folder}/{name}")
        for file, _, _ in sizes.values():
            self.uploads.append(f"{folder}/{file}")
        attachment_id = self._id()
        caption = "" if rng.random() < 0.3 else self.text.clip(self.text.short(1, 1), 120)
        return {
            "id": attachment_id,
            "title": stem_final.replace("-", " "),
            "slug": sanitize_title(stem_final),
            "file": f"{folder}/{name}",
            "url": f"{SITE}/wp-content/uploads/{folder}/{name}",
            "folder": folder,
            "sizes": sizes,
            "width": width,
            "height": height,
            "local": local,
            "caption": caption,
            "alt": "" if rng.random() < 0.25 else (urdu_title or self.text.title()),
            "mime": "image/png" if ext == "png" else "image/jpeg",
        }

    # ---- bodies

    def _link_to_post(self) -> str:
        rng = self.rng
        if not self.published:
            return f"{SITE}/"
        target = self.published[rng.randrange(len(self.published))]
        r = rng.random()
        if r < 0.6:
            url = target["link"]
        elif r < 0.75:
            url = f"{SITE}/?p={target['id']}"
        elif r < 0.85:
            url = target["link"].replace("https://", "http://www.")
        elif r < 0.95:
            url = target["link"][len(SITE):]
        else:
            url = target["link"] + "#comments"
        return url

    def _inline_markup(self, para: str) -> str:
        rng = self.rng
        r = rng.random()
        if r < 0.35:
            para = self.text.wrap_inline(para, f'<a href="{self._link_to_post()}">', "</a>")
        elif r < 0.45:
            url = rng.choice(EXTERNAL).format(n=rng.randrange(100000, 999999))
            para = self.text.wrap_inline(para, f'<a href="{url}" target="_blank" rel="noopener">', "</a>")
        if rng.random() < 0.15:
            para = self.text.wrap_inline(para, "<strong>", "</strong>")
        if rng.random() < 0.1:
            para = self.text.wrap_inline(para, "<em>", "</em>")
        return para

    def _paragraphs(self, post: dict, count: int) -> list[str]:
        return [self._inline_markup(self.text.paragraph(post["urdu"])) for _ in range(count)]

    def classic_body(self, post: dict, n_paras: int) -> str:
        rng = self.rng
        paras = self._paragraphs(post, n_paras)
        blocks: list[str] = []
        inline = list(post.get("inline", []))
        for i, para in enumerate(paras):
            if rng.random() < 0.06:
                # A soft line break inside a paragraph (a single newline).
                cut = para.find(". ", len(para) // 2)
                if cut > 0:
                    para = para[: cut + 1] + "\n" + para[cut + 2 :]
            blocks.append(para)
            if i == 1 and post.get("more"):
                blocks.append("<!--more-->")
            if i == 2 and inline:
                blocks.append(self._caption(inline.pop(0)))
            if i == 4 and rng.random() < 0.3:
                blocks.append(f"<h2>{self.text.title()}</h2>")
            if i == 5 and rng.random() < 0.15:
                items = "\n".join(f"\t<li>{self.text.short(1, 1)}</li>" for _ in range(rng.randint(3, 6)))
                blocks.append(f"<ul>\n{items}\n</ul>")
            if i == 6 and rng.random() < 0.15:
                blocks.append(f"<blockquote>{self.text.short(2, 3)}</blockquote>")
            if i == 3 and rng.random() < 0.05:
                blocks.append("&nbsp;")
            if i == 6 and inline:
                blocks.append(self._caption(inline.pop(0)))
        if rng.random() < 0.03:
            blocks.insert(rng.randrange(1, len(blocks)), f"https://www.youtube.com/watch?v={self._video_id()}")
        if rng.random() < 0.01:
            blocks.append('[contact-form-7 id="1234" title="Tips"]')
        if rng.random() < 0.01:
            blocks.append(
                f'<iframe src="https://www.google.com/maps/embed?pb={self._video_id()}" width="600" height="450" '
                'style="border:0;" allowfullscreen="" loading="lazy"></iframe>'
            )
        if rng.random() < 0.02:
            rows = "\n".join(
                f"<tr>\n<td>{rng.choice(PROPER)}</td>\n<td>{rng.randrange(1000, 99999)}</td>\n</tr>"
                for _ in range(rng.randint(3, 8))
            )
            blocks.append(f"<table>\n<tbody>\n{rows}\n</tbody>\n</table>")
        return "\n\n".join(blocks)

    def _caption(self, a: dict) -> str:
        rng = self.rng
        large, w, h = a["sizes"]["large"]
        src = f"{SITE}/wp-content/uploads/{a['folder']}/{large}"
        img = (
            f'<img class="size-large wp-image-{a["id"]}" src="{src}" alt="{esc(a["alt"])}" '
            f'width="{w}" height="{h}" />'
        )
        if rng.random() < 0.3:
            img = f'<a href="{a["url"]}">{img}</a>'
        if not a["caption"]:
            if rng.random() < 0.5:
                medium, mw, mh = a["sizes"]["medium"]
                msrc = f"{SITE}/wp-content/uploads/{a['folder']}/{medium}"
                return (
                    f'<img class="alignright size-medium wp-image-{a["id"]}" src="{msrc}" alt="{esc(a["alt"])}" '
                    f'width="{mw}" height="{mh}" />'
                )
            return img
        return f'[caption id="attachment_{a["id"]}" align="aligncenter" width="{w}"]{img} {a["caption"]}[/caption]'

    def _video_id(self) -> str:
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        return "".join(self.rng.choices(alphabet, k=11))

    def block_body(self, post: dict, n_paras: int) -> str:
        rng = self.rng
        paras = self._paragraphs(post, n_paras)
        blocks: list[str] = []
        inline = list(post.get("inline", []))
        for i, para in enumerate(paras):
            blocks.append(f"<!-- wp:paragraph -->\n<p>{para}</p>\n<!-- /wp:paragraph -->")
            if i == 1 and post.get("more"):
                blocks.append("<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->")
            if i in (2, 6) and inline:
                blocks.append(self._image_block(inline.pop(0)))
            if i == 4 and rng.random() < 0.3:
                blocks.append(
                    f'<!-- wp:heading -->\n<h2 class="wp-block-heading">{self.text.title()}</h2>\n<!-- /wp:heading -->'
                )
            if i == 5 and rng.random() < 0.15:
                items = "\n\n".join(
                    f"<!-- wp:list-item -->\n<li>{self.text.short(1, 1)}</li>\n<!-- /wp:list-item -->"
                    for _ in range(rng.randint(3, 6))
                )
                blocks.append(f"<!-- wp:list -->\n<ul>{items}</ul>\n<!-- /wp:list -->")
            if i == 6 and rng.random() < 0.15:
                blocks.append(
                    '<!-- wp:quote -->\n<blockquote class="wp-block-quote"><!-- wp:paragraph -->\n'
                    f"<p>{self.text.short(2, 3)}</p>\n<!-- /wp:paragraph --><cite>{rng.choice(AUTHORS)[1]}</cite>"
                    "</blockquote>\n<!-- /wp:quote -->"
                )
            if i == 3 and rng.random() < 0.04:
                blocks.append(
                    '<!-- wp:separator -->\n<hr class="wp-block-separator has-alpha-channel-opacity"/>\n'
                    "<!-- /wp:separator -->"
                )
        if rng.random() < 0.03:
            url = f"https://www.youtube.com/watch?v={self._video_id()}"
            blocks.insert(
                rng.randrange(1, len(blocks)),
                f'<!-- wp:embed {{"url":"{url}","type":"video","providerNameSlug":"youtube","responsive":true,'
                '"className":"wp-embed-aspect-16-9 wp-has-aspect-ratio"} -->\n'
                '<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube '
                'wp-embed-aspect-16-9 wp-has-aspect-ratio"><div class="wp-block-embed__wrapper">\n'
                f"{url}\n</div></figure>\n<!-- /wp:embed -->",
            )
        if rng.random() < 0.01:
            blocks.append('<!-- wp:latest-posts {"postsToShow":3,"displayPostDate":true} /-->')
        return "\n\n".join(blocks)

    def _image_block(self, a: dict) -> str:
        large, w, h = a["sizes"]["large"]
        src = f"{SITE}/wp-content/uploads/{a['folder']}/{large}"
        caption = f'<figcaption class="wp-element-caption">{a["caption"]}</figcaption>' if a["caption"] else ""
        return (
            f'<!-- wp:image {{"id":{a["id"]},"sizeSlug":"large","linkDestination":"none"}} -->\n'
            f'<figure class="wp-block-image size-large"><img src="{src}" alt="{esc(a["alt"])}" '
            f'class="wp-image-{a["id"]}"/>{caption}</figure>\n<!-- /wp:image -->'
        )

    # ---- writing

    def header(self) -> str:
        out = [
            '<?xml version="1.0" encoding="UTF-8" ?>\n'
            "<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of your site. -->\n"
            "<!-- It contains information about your site's posts, pages, comments, categories, and other content. -->\n"
            "<!-- You may use this file to transfer that content from one site to another. -->\n"
            "<!-- This file is not intended to serve as a complete backup of your site. -->\n\n"
            "<!-- To import this information into a WordPress site follow these steps: -->\n"
            "<!-- 1. Log in to that site as an administrator. -->\n"
            "<!-- 2. Go to Tools: Import in the WordPress admin panel. -->\n"
            '<!-- 3. Install the "WordPress" importer from the list. -->\n'
            "<!-- 4. Activate & Run Importer. -->\n"
            "<!-- 5. Upload this file using the form provided on that page. -->\n"
            "<!-- 6. You will first be asked to map the authors in this export file to users -->\n"
            "<!--    on the site. For each author, you may choose to map to an -->\n"
            "<!--    existing user on the site or to create a new user. -->\n"
            "<!-- 7. WordPress will then import each of the posts, pages, comments, categories, etc. -->\n"
            "<!--    contained in this file into your site. -->\n\n"
            '\t<!-- generator="WordPress/6.4.3" created="2024-12-31 18:00" -->\n'
            '<rss version="2.0"\n'
            '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
            '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
            '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
            '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            '\txmlns:wp="http://wordpress.org/export/1.2/"\n'
            ">\n\n"
            "<channel>\n"
            "\t<title>The Daily Example &amp; Review</title>\n"
            f"\t<link>{SITE}</link>\n"
            "\t<description>News, analysis and opinion from Lahore</description>\n"
            "\t<pubDate>Tue, 31 Dec 2024 13:00:00 +0000</pubDate>\n"
            "\t<language>en-US</language>\n"
            "\t<wp:wxr_version>1.2</wp:wxr_version>\n"
            f"\t<wp:base_site_url>{SITE}</wp:base_site_url>\n"
            f"\t<wp:base_blog_url>{SITE}</wp:base_blog_url>\n\n"
        ]
        for i, (login, display, first, last) in enumerate(AUTHORS, start=1):
            out.append(
                "\t<wp:author>\n"
                f"\t\t<wp:author_id>{i}</wp:author_id>\n"
                f"\t\t<wp:author_login>{cdata(login)}</wp:author_login>\n"
                f"\t\t<wp:author_email>{cdata(login + '@news.example.org')}</wp:author_email>\n"
                f"\t\t<wp:author_display_name>{cdata(display)}</wp:author_display_name>\n"
                f"\t\t<wp:author_first_name>{cdata(first)}</wp:author_first_name>\n"
                f"\t\t<wp:author_last_name>{cdata(last)}</wp:author_last_name>\n"
                "\t</wp:author>\n"
            )
        out.append("\n")
        for i, (slug, name, parent, description) in enumerate(CATEGORIES, start=1):
            desc = f"\n\t\t<wp:category_description>{cdata(description)}</wp:category_description>" if description else ""
            out.append(
                "\t<wp:category>\n"
                f"\t\t<wp:term_id>{i}</wp:term_id>\n"
                f"\t\t<wp:category_nicename>{cdata(slug)}</wp:category_nicename>\n"
                f"\t\t<wp:category_parent>{cdata(parent)}</wp:category_parent>\n"
                f"\t\t<wp:cat_name>{cdata(name)}</wp:cat_name>{desc}\n"
                "\t</wp:category>\n"
            )
        for i, (slug, name) in enumerate(self.tags, start=len(CATEGORIES) + 1):
            out.append(
                "\t<wp:tag>\n"
                f"\t\t<wp:term_id>{i}</wp:term_id>\n"
                f"\t\t<wp:tag_slug>{cdata(slug)}</wp:tag_slug>\n"
                f"\t\t<wp:tag_name>{cdata(name)}</wp:tag_name>\n"
                "\t</wp:tag>\n"
            )
        out.append(
            "\t<wp:term>\n"
            f"\t\t<wp:term_id>{len(CATEGORIES) + len(self.tags) + 1}</wp:term_id>\n"
            f"\t\t<wp:term_taxonomy>{cdata('nav_menu')}</wp:term_taxonomy>\n"
            f"\t\t<wp:term_slug>{cdata('main-menu')}</wp:term_slug>\n"
            f"\t\t<wp:term_name>{cdata('Main menu')}</wp:term_name>\n"
            "\t</wp:term>\n\n"
            '\t<generator>https://wordpress.org/?v=6.4.3</generator>\n\n'
        )
        return "".join(out)

    def item(
        self,
        *,
        title: str,
        link: str,
        local: dt.datetime,
        gmt: dt.datetime | None,
        modified: dt.datetime,
        creator: str,
        guid: str,
        content: str,
        excerpt: str,
        item_id: int,
        name: str,
        status: str,
        parent: int,
        menu_order: int,
        post_type: str,
        password: str = "",
        sticky: bool = False,
        extra: str = "",
        terms: str = "",
        meta: list[tuple[str, str]] = (),
        comments: str = "",
        comment_status: str = "open",
    ) -> str:
        pub = rfc822(gmt) if gmt else rfc822(local - OFFSET)
        meta_xml = "".join(
            f"\t\t<wp:postmeta>\n\t\t<wp:meta_key>{cdata(k)}</wp:meta_key>\n"
            f"\t\t<wp:meta_value>{cdata(v)}</wp:meta_value>\n\t\t</wp:postmeta>\n"
            for k, v in meta
        )
        return (
            "\t<item>\n"
            f"\t\t<title>{cdata(title)}</title>\n"
            f"\t\t<link>{esc(link)}</link>\n"
            f"\t\t<pubDate>{pub}</pubDate>\n"
            f"\t\t<dc:creator>{cdata(creator)}</dc:creator>\n"
            f'\t\t<guid isPermaLink="false">{esc(guid)}</guid>\n'
            "\t\t<description></description>\n"
            f"\t\t<content:encoded>{cdata(content)}</content:encoded>\n"
            f"\t\t<excerpt:encoded>{cdata(excerpt)}</excerpt:encoded>\n"
            f"\t\t<wp:post_id>{item_id}</wp:post_id>\n"
            f"\t\t<wp:post_date>{cdata(wp_date(local))}</wp:post_date>\n"
            f"\t\t<wp:post_date_gmt>{cdata(wp_date(gmt) if gmt else '0000-00-00 00:00:00')}</wp:post_date_gmt>\n"
            f"\t\t<wp:post_modified>{cdata(wp_date(modified))}</wp:post_modified>\n"
            f"\t\t<wp:post_modified_gmt>{cdata(wp_date(modified - OFFSET))}</wp:post_modified_gmt>\n"
            f"\t\t<wp:comment_status>{cdata(comment_status)}</wp:comment_status>\n"
            f"\t\t<wp:ping_status>{cdata('open' if post_type == 'post' else 'closed')}</wp:ping_status>\n"
            f"\t\t<wp:post_name>{cdata(name)}</wp:post_name>\n"
            f"\t\t<wp:status>{cdata(status)}</wp:status>\n"
            f"\t\t<wp:post_parent>{parent}</wp:post_parent>\n"
            f"\t\t<wp:menu_order>{menu_order}</wp:menu_order>\n"
            f"\t\t<wp:post_type>{cdata(post_type)}</wp:post_type>\n"
            f"\t\t<wp:post_password>{cdata(password)}</wp:post_password>\n"
            f"\t\t<wp:is_sticky>{int(sticky)}</wp:is_sticky>\n"
            f"{extra}{terms}{meta_xml}{comments}"
            "\t</item>\n"
        )

    def page_item(self, page: dict) -> str:
        rng = self.rng
        post = {"urdu": page["slug"].startswith("%"), "inline": []}
        n = rng.randint(2, 6)
        if page["kind"] == "archives":
            content = (
                "<!-- wp:paragraph -->\n<p>Every story we have published, month by month.</p>\n<!-- /wp:paragraph -->\n\n"
                '<!-- wp:archives {"displayAsDropdown":false,"showPostCounts":true} /-->\n\n'
                "<!-- wp:search {\"label\":\"Search\",\"buttonText\":\"Search\"} /-->"
            )
        elif page["kind"] == "block":
            content = self.block_body(post, n)
        else:
            content = self.classic_body(post, n)
        meta = [("_edit_last", "1"), ("_wp_page_template", "default")]
        return self.item(
            title=page["title"],
            link=page["link"],
            local=page["local"],
            gmt=page["local"] - OFFSET,
            modified=page["modified"],
            creator="admin",
            guid=f"{SITE}/?page_id={page['id']}",
            content=content,
            excerpt="",
            item_id=page["id"],
            name=page["slug"],
            status="publish",
            parent=page["parent_id"],
            menu_order=0,
            post_type="page",
            meta=meta,
            comment_status="closed",
        )

    def menu_item(self, m: dict) -> str:
        local = dt.datetime(2015, 6, 1, 12, 0, 0)
        meta = [
            ("_menu_item_type", m["kind"]),
            ("_menu_item_menu_item_parent", str(m["parent"])),
            ("_menu_item_object_id", str(m["object_id"])),
            ("_menu_item_object", m["object"]),
            ("_menu_item_target", ""),
            ("_menu_item_classes", 'a:1:{i:0;s:0:"";}'),
            ("_menu_item_xfn", ""),
            ("_menu_item_url", m["url"] or ""),
        ]
        return self.item(
            title=m["title"],
            link=f"{SITE}/2015/06/01/{m['id']}/",
            local=local,
            gmt=local - OFFSET,
            modified=local,
            creator="admin",
            guid=f"{SITE}/?p={m['id']}",
            content="",
            excerpt="",
            item_id=m["id"],
            name=str(m["id"]),
            status="publish",
            parent=0,
            menu_order=m["order"],
            post_type="nav_menu_item",
            terms=f'\t\t<category domain="nav_menu" nicename="main-menu">{cdata("Main menu")}</category>\n',
            meta=meta,
            comment_status="closed",
        )

    def attachment_item(self, a: dict, post: dict) -> str:
        metadata = {
            "width": a["width"],
            "height": a["height"],
            "file": a["file"],
            "filesize": 100000 + a["id"] % 400000,
            "sizes": {
                size: {"file": f, "width": w, "height": h, "mime-type": a["mime"], "filesize": 5000 + w * 40}
                for size, (f, w, h) in a["sizes"].items()
            },
            "image_meta": {"aperture": "0", "credit": "", "camera": "", "caption": "", "created_timestamp": "0",
                           "copyright": "", "focal_length": "0", "iso": "0", "shutter_speed": "0", "title": "",
                           "orientation": "0", "keywords": []},
        }
        meta = [("_wp_attached_file", a["file"]), ("_wp_attachment_metadata", php_serialize(metadata))]
        if a["alt"]:
            meta.append(("_wp_attachment_image_alt", a["alt"]))
        parent_link = post["link"] if post["status"] in ("publish", "private") else f"{SITE}/"
        link = (
            f"{parent_link}{a['slug']}/" if post["status"] in ("publish", "private") else f"{SITE}/?attachment_id={a['id']}"
        )
        return self.item(
            title=a["title"],
            link=link,
            local=a["local"],
            gmt=a["local"] - OFFSET,
            modified=a["local"],
            creator=post["author"],
            guid=a["url"],
            content="",
            excerpt=a["caption"],
            item_id=a["id"],
            name=a["slug"],
            status="inherit",
            parent=post["id"],
            menu_order=0,
            post_type="attachment",
            extra=f"\t\t<wp:attachment_url>{cdata(a['url'])}</wp:attachment_url>\n",
            meta=meta,
            comment_status="open",
        )

    def comments(self, post: dict) -> str:
        rng = self.rng
        if post["status"] != "publish" or rng.random() > 0.1:
            return ""
        out = []
        ids: list[int] = []
        when = post["local"]
        for _ in range(rng.randint(1, 6)):
            cid = self.next_comment
            self.next_comment += 1
            when = when + dt.timedelta(minutes=rng.randrange(5, 60 * 48))
            r = rng.random()
            kind = "pingback" if r < 0.05 else "comment"
            approved = "1" if r < 0.85 else "0" if r < 0.95 else "spam"
            name = rng.choice(PROPER[-14:]) + " " + rng.choice(("K.", "Ali", "Butt", "Chaudhry", ""))
            url = ""
            text = self.text.short(1, 3)
            if kind == "pingback":
                name = "Another blog » " + self.text.title()[:40]
                url = f"https://blog.example.net/{when:%Y/%m}/{rng.randrange(1000)}/"
                text = f"[…] {self.text.short(1, 1)} […]"
            elif rng.random() < 0.2:
                url = f"https://{name.split()[0].lower()}.example.com/"
            parent = rng.choice(ids) if ids and rng.random() < 0.3 else 0
            ids.append(cid)
            out.append(
                "\t\t<wp:comment>\n"
                f"\t\t\t<wp:comment_id>{cid}</wp:comment_id>\n"
                f"\t\t\t<wp:comment_author>{cdata(name.strip())}</wp:comment_author>\n"
                f"\t\t\t<wp:comment_author_email>{cdata('reader' + str(cid) + '@example.com')}</wp:comment_author_email>\n"
                f"\t\t\t<wp:comment_author_url>{esc(url)}</wp:comment_author_url>\n"
                f"\t\t\t<wp:comment_author_IP>{cdata('203.0.113.' + str(cid % 250))}</wp:comment_author_IP>\n"
                f"\t\t\t<wp:comment_date>{cdata(wp_date(when))}</wp:comment_date>\n"
                f"\t\t\t<wp:comment_date_gmt>{cdata(wp_date(when - OFFSET))}</wp:comment_date_gmt>\n"
                f"\t\t\t<wp:comment_content>{cdata(text)}</wp:comment_content>\n"
                f"\t\t\t<wp:comment_approved>{cdata(approved)}</wp:comment_approved>\n"
                f"\t\t\t<wp:comment_type>{cdata(kind)}</wp:comment_type>\n"
                f"\t\t\t<wp:comment_parent>{parent}</wp:comment_parent>\n"
                "\t\t\t<wp:comment_user_id>0</wp:comment_user_id>\n"
                "\t\t</wp:comment>\n"
            )
        return "".join(out)

    def post_item(self, post: dict) -> str:
        rng = self.rng
        post["more"] = rng.random() < 0.3
        n_paras = rng.randint(7, 12)
        content = self.block_body(post, n_paras) if post["block"] else self.classic_body(post, n_paras)
        excerpt = "" if rng.random() < 0.7 else self.text.paragraph(post["urdu"], 1, 2)
        author_id = 1 + [a[0] for a in AUTHORS].index(post["author"])
        meta = [("_edit_last", str(author_id))]
        if post["featured"]:
            meta.append(("_thumbnail_id", str(post["featured"]["id"])))
        if post["status"] == "publish" and rng.random() < 0.03:
            meta.append(("_wp_old_slug", sanitize_title(self.text.title())))
        if rng.random() < 0.2:
            meta.append(("_yoast_wpseo_metadesc", self.text.clip(self.text.short(1, 1), 155)))
        cat_names = {c[0]: c[1] for c in CATEGORIES}
        terms = "".join(
            f'\t\t<category domain="category" nicename="{esc(c)}">{cdata(cat_names[c])}</category>\n'
            for c in post["cats"]
        ) + "".join(
            f'\t\t<category domain="post_tag" nicename="{esc(slug)}">{cdata(name)}</category>\n'
            for slug, name in post["tags"]
        )
        draft = post["status"] in ("draft", "pending")
        return self.item(
            title=post["title"],
            link=post["link"],
            local=post["local"],
            gmt=None if draft else post["local"] - OFFSET,
            modified=max(post["modified"], post["local"]),
            creator=post["author"],
            guid=f"{SITE}/?p={post['id']}",
            content=content,
            excerpt=excerpt,
            item_id=post["id"],
            name=post["slug"],
            status=post["status"],
            parent=0,
            menu_order=0,
            post_type="post",
            password=post["password"],
            sticky=post["sticky"],
            terms=terms,
            meta=meta,
            comments=self.comments(post),
        )

    def write(self, out) -> dict:
        counts = {"posts": 0, "pages": 0, "attachments": 0, "menu_items": 0}
        out.write(self.header())
        for page in self.pages:
            out.write(self.page_item(page))
            counts["pages"] += 1
        for m in self.menu:
            out.write(self.menu_item(m))
            counts["menu_items"] += 1
        for post in self.posts:
            chunk = [self.post_item(post)]
            for a in post["attachments"]:
                chunk.append(self.attachment_item(a, post))
                counts["attachments"] += 1
            out.write("".join(chunk))
            counts["posts"] += 1
        out.write("</channel>\n</rss>\n")
        return counts


def write_uploads(root: str, files: list[str]) -> int:
    made = set()
    for inside in files:
        path = os.path.join(root, inside)
        folder = os.path.dirname(path)
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        with open(path, "wb") as f:
            f.write(PLACEHOLDER)
    return len(files)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, required=True, help="number of posts")
    parser.add_argument("--out", required=True, help="the export file to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--uploads-dir", help="also write placeholder files for every referenced upload here")
    args = parser.parse_args()
    if args.posts < 1:
        parser.error("--posts must be at least 1")
    started = time.monotonic()
    gen = Generator(args.posts, args.seed)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as f:
        counts = gen.write(f)
    size = os.path.getsize(args.out)
    uploads = write_uploads(args.uploads_dir, gen.uploads) if args.uploads_dir else 0
    print(
        f"{args.out}: {counts['posts']} posts, {counts['pages']} pages, {counts['attachments']} attachments, "
        f"{counts['menu_items']} menu items, {gen.next_comment - 1} comments; {size / 1e6:.1f} MB"
        + (f"; {uploads} placeholder uploads in {args.uploads_dir}" if args.uploads_dir else "")
        + f" ({time.monotonic() - started:.1f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
