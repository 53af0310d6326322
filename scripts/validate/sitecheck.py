#!/usr/bin/env python3
"""The checks of scripts/validate.sh that need only Python (and feedparser for feeds).

usage: sitecheck.py COMMAND SITE_DIR REPORT_DIR [ARGS]
  base     SITE REPORT             the site's base URL (BASE_URL, else the home page's canonical
                                   link, else the shortest <loc> of sitemap.xml) into REPORT/base_url.txt
  sample   SITE REPORT MAX         the HTML pages vnu checks (all, or every k-th of the sorted list
                                   when there are more than MAX) into REPORT/html-pages.txt
  html     SITE REPORT             the summary line of vnu's JSON report REPORT/vnu.json
  feeds    SITE REPORT             every RSS 2.0 and Atom file
  sitemap  SITE REPORT             sitemap.xml (and robots.txt's Sitemap: lines)
  links    SITE REPORT             every internal href/src/srcset/poster/data/meta refresh
  axe-pages SITE REPORT            the pages axe opens, one "name<TAB>path" a line

Each checker prints one line, `NAME  checked=N errors=E warnings=W  details`, and writes every
problem it found to REPORT/NAME.txt. It reads SITE_DIR only; nothing goes over the network.
"""
import email.utils
import html.parser
import json
import os
import re
import sys
import urllib.parse
import xml.etree.ElementTree as ET

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
ATOM_NS = "http://www.w3.org/2005/Atom"
# RFC 822 as RSS 2.0 uses it (with RFC 1123's four-digit years): day name optional, zone required.
RFC822 = re.compile(
    r"^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}(?::\d{2})? (?:UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|Z|[+-]\d{4})$"
)
# RFC 3339 date-time, as Atom requires for updated/published.
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")
# The W3C date formats a sitemap's <lastmod> may use.
W3C_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?)?)?$")
# Schemes that never name a file of the site.
NOT_FILES = ("mailto:", "tel:", "javascript:", "data:", "blob:", "sms:", "geo:", "about:")


class Report:
    """Counts and records one checker's problems; prints its summary line."""

    def __init__(self, name, report_dir):
        self.name, self.report_dir = name, report_dir
        self.checked, self.errors, self.warnings, self.notes = 0, [], [], []

    def error(self, msg):
        self.errors.append(msg)

    def warn(self, msg):
        self.warnings.append(msg)

    def finish(self):
        path = os.path.join(self.report_dir, f"{self.name}.txt")
        with open(path, "w", encoding="utf-8") as out:
            out.write(f"{self.name}: checked={self.checked} errors={len(self.errors)} warnings={len(self.warnings)}\n")
            for n in self.notes:
                out.write(f"note: {n}\n")
            for e in self.errors:
                out.write(f"error: {e}\n")
            for w in self.warnings:
                out.write(f"warning: {w}\n")
        first = self.errors[0] if self.errors else (self.warnings[0] if self.warnings else "")
        details = "; ".join(self.notes)
        if first:
            details = f"{details}{'; ' if details else ''}first: {first[:160]}"
        if self.errors or self.warnings:
            details += f" (all in {path})"
        print(f"{self.name:<8}  checked={self.checked} errors={len(self.errors)} warnings={len(self.warnings)}  {details}".rstrip())


# --- the site's files and URLs ---------------------------------------------------------------

def html_pages(site):
    """Every .html file under SITE, as sorted paths relative to it."""
    found = []
    for root, dirs, files in os.walk(site):
        dirs.sort()
        for f in files:
            if f.endswith(".html"):
                found.append(os.path.relpath(os.path.join(root, f), site))
    return sorted(found)


def read_base(report_dir):
    with open(os.path.join(report_dir, "base_url.txt"), encoding="utf-8") as f:
        return f.read().strip()


def page_url(base, rel):
    """The public URL of SITE/rel: a folder's index.html is the folder."""
    rel = rel.replace(os.sep, "/")
    if rel == "index.html":
        rel = ""
    elif rel.endswith("/index.html"):
        rel = rel[: -len("index.html")]
    return base + urllib.parse.quote(rel)


def on_site(base, url):
    """The path of `url` below the base URL, or None when it points elsewhere. http and https
    of the site's host count as the site (a feed reader or crawler would follow either)."""
    b, u = urllib.parse.urlsplit(base), urllib.parse.urlsplit(url)
    if u.scheme not in ("http", "https") or u.netloc.lower() != b.netloc.lower():
        return None
    if not u.path.startswith(b.path) and u.path + "/" != b.path:
        return None
    return u.path[len(b.path):]


def file_for(site, rel_path):
    """The file a request for `rel_path` (below the base, still percent-encoded) is answered
    with, as a static host does it: a folder is its index.html. None when there is none."""
    rel = urllib.parse.unquote(rel_path).lstrip("/")
    target = os.path.normpath(os.path.join(site, rel))
    if not (target == os.path.normpath(site) or target.startswith(os.path.normpath(site) + os.sep)):
        return None
    if os.path.isdir(target):
        target = os.path.join(target, "index.html")
    return target if os.path.isfile(target) else None


# --- base URL and samples ----------------------------------------------------------------------

class HeadLinks(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.canonical = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and "canonical" in (a.get("rel") or "").split() and not self.canonical:
            self.canonical = a.get("href")
        if tag == "meta" and a.get("property") == "og:url" and not self.canonical:
            self.canonical = a.get("content")


def cmd_base(site, report_dir):
    base = os.environ.get("BASE_URL", "").strip()
    how = "BASE_URL"
    home = os.path.join(site, "index.html")
    if not base and os.path.isfile(home):
        p = HeadLinks()
        with open(home, encoding="utf-8", errors="replace") as f:
            p.feed(f.read())
        base, how = (p.canonical or ""), "the home page's canonical link"
    if not base and os.path.isfile(os.path.join(site, "sitemap.xml")):
        try:
            locs = [e.text.strip() for e in ET.parse(os.path.join(site, "sitemap.xml")).iter(f"{{{SITEMAP_NS}}}loc") if e.text]
            base, how = (min(locs, key=len) if locs else ""), "sitemap.xml's shortest <loc>"
        except ET.ParseError:
            pass
    if not base:
        base, how = "http://localhost/", "nothing (no BASE_URL, canonical link or sitemap)"
    if not base.endswith("/"):
        base += "/"
    with open(os.path.join(report_dir, "base_url.txt"), "w", encoding="utf-8") as f:
        f.write(base + "\n")
    print(f"{base}\t{how}")


def cmd_sample(site, report_dir, limit):
    pages = html_pages(site)
    limit = max(1, int(limit))
    # The home page always, then every k-th of the others: at most `limit` in all.
    home = ["index.html"] if "index.html" in pages else []
    others = [p for p in pages if p != "index.html"]
    room = max(1, limit - len(home))
    step = -(-len(others) // room) if others else 1
    chosen = home + others[::step]
    with open(os.path.join(report_dir, "html-pages.txt"), "w", encoding="utf-8") as f:
        for p in chosen:
            f.write(os.path.join(site, p) + "\n")
    print(f"{len(chosen)} {len(pages)}")


def cmd_html(site, report_dir):
    """Summarises vnu's --format json report (messages of type "error" or "non-document-error")."""
    r = Report("html", report_dir)
    with open(os.path.join(report_dir, "html-pages.txt"), encoding="utf-8") as f:
        r.checked = sum(1 for line in f if line.strip())
    total = len(html_pages(site))
    if r.checked < total:
        r.notes.append(f"a sample of {r.checked} of {total} pages (VNU_MAX)")
    raw = open(os.path.join(report_dir, "vnu.json"), encoding="utf-8", errors="replace").read()
    try:
        messages = json.loads(raw).get("messages", [])
    except json.JSONDecodeError:
        r.error(f"vnu's report is not JSON: {raw[:200]!r}")
        messages = []
    for m in messages:
        where = urllib.parse.unquote(m.get("url", "")).replace("file:" + site + "/", "").replace("file:", "")
        text = f"{where}:{m.get('lastLine', '?')}:{m.get('firstColumn', m.get('lastColumn', '?'))}: {m.get('message', '')}"
        if m.get("type") in ("error", "non-document-error"):
            r.error(text)
        else:
            r.warn(text)
    r.finish()


# --- feeds --------------------------------------------------------------------------------------

def feed_files(site):
    """Every file whose root element is an RSS <rss> or an Atom <feed>, with that kind."""
    found = []
    for root, dirs, files in os.walk(site):
        dirs.sort()
        for f in sorted(files):
            if not f.endswith((".xml", ".rss", ".atom")):
                continue
            path = os.path.join(root, f)
            try:
                for _, elem in ET.iterparse(path, events=("start",)):
                    kind = {"rss": "rss", f"{{{ATOM_NS}}}feed": "atom"}.get(elem.tag)
                    if kind:
                        found.append((path, kind))
                    break
            except ET.ParseError:
                if f in ("feed.xml", "atom.xml", "rss.xml", "index.xml"):
                    found.append((path, "unparsable"))
    return found


def check_link(r, site, base, where, url, what):
    """A link a feed gives: absolute, and when it is on the site, to a file that exists."""
    if not url:
        r.error(f"{where}: {what} is empty")
        return
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        r.error(f"{where}: {what} {url!r} is not an absolute http(s) URL")
        return
    rel = on_site(base, url)
    if rel is not None and file_for(site, rel) is None:
        r.error(f"{where}: {what} {url} is on the site but no file answers it")


def text_of(elem, tag):
    e = elem.find(tag)
    return (e.text or "").strip() if e is not None else None


def check_rss(r, site, base, name, tree):
    channel = tree.find("channel")
    if channel is None:
        r.error(f"{name}: no <channel>")
        return
    for tag in ("title", "link", "description"):
        if text_of(channel, tag) is None:
            r.error(f"{name}: <channel> has no <{tag}>")
    check_link(r, site, base, name, text_of(channel, "link"), "<channel><link>")
    for tag in ("lastBuildDate", "pubDate"):
        value = text_of(channel, tag)
        if value is not None and not valid_rfc822(value):
            r.error(f"{name}: <channel><{tag}> {value!r} is not an RFC 822 date")
    for i, item in enumerate(channel.findall("item"), 1):
        where = f"{name} item {i}"
        if not text_of(item, "title") and not text_of(item, "description"):
            r.error(f"{where}: neither <title> nor <description>")
        link = text_of(item, "link")
        if link is None:
            r.error(f"{where}: no <link>")
        else:
            check_link(r, site, base, where, link, "<link>")
        guid = item.find("guid")
        if guid is None:
            r.warn(f"{where}: no <guid>")
        elif guid.get("isPermaLink", "true") == "true":
            check_link(r, site, base, where, (guid.text or "").strip(), "<guid> (a permalink)")
        date = text_of(item, "pubDate")
        if date is None:
            r.warn(f"{where}: no <pubDate>")
        elif not valid_rfc822(date):
            r.error(f"{where}: <pubDate> {date!r} is not an RFC 822 date")


def valid_rfc822(value):
    if not RFC822.match(value):
        return False
    try:
        return email.utils.parsedate_to_datetime(value) is not None
    except (TypeError, ValueError):
        return False


def check_atom(r, site, base, name, tree):
    a = lambda tag: f"{{{ATOM_NS}}}{tag}"  # noqa: E731
    for tag in ("id", "title", "updated"):
        if text_of(tree, a(tag)) is None:
            r.error(f"{name}: <feed> has no <{tag}>")
    updated = text_of(tree, a("updated"))
    if updated and not RFC3339.match(updated):
        r.error(f"{name}: <feed><updated> {updated!r} is not an RFC 3339 date")
    for link in tree.findall(a("link")):
        check_link(r, site, base, name, link.get("href"), f"<link rel={link.get('rel', 'alternate')}>")
    feed_author = tree.find(a("author")) is not None
    for i, entry in enumerate(tree.findall(a("entry")), 1):
        where = f"{name} entry {i}"
        for tag in ("id", "title", "updated"):
            if text_of(entry, a(tag)) is None:
                r.error(f"{where}: no <{tag}>")
        for tag in ("updated", "published"):
            value = text_of(entry, a(tag))
            if value and not RFC3339.match(value):
                r.error(f"{where}: <{tag}> {value!r} is not an RFC 3339 date")
        links = entry.findall(a("link"))
        if not any(l.get("rel", "alternate") == "alternate" for l in links):
            r.error(f"{where}: no <link rel=alternate>")
        for link in links:
            check_link(r, site, base, where, link.get("href"), f"<link rel={link.get('rel', 'alternate')}>")
        if not feed_author and entry.find(a("author")) is None:
            r.error(f"{where}: no <author>, and the feed has none (RFC 4287 4.1.1)")


def cmd_feeds(site, report_dir):
    import feedparser  # installed in the validators' venv by scripts/validate.sh

    r = Report("feeds", report_dir)
    base = read_base(report_dir)
    for path, kind in feed_files(site):
        r.checked += 1
        name = os.path.relpath(path, site)
        with open(path, "rb") as f:
            data = f.read()
        parsed = feedparser.parse(data)
        if parsed.bozo:
            r.error(f"{name}: feedparser: {parsed.bozo_exception}")
        if kind == "unparsable":
            r.error(f"{name}: not well-formed XML")
            continue
        try:
            tree = ET.fromstring(data)
        except ET.ParseError as e:
            r.error(f"{name}: not well-formed XML: {e}")
            continue
        (check_rss if kind == "rss" else check_atom)(r, site, base, name, tree)
        if not parsed.entries:
            r.warn(f"{name}: no items")
    if r.checked == 0:
        r.error("no RSS or Atom file in the site")
    r.finish()


# --- sitemap ------------------------------------------------------------------------------------

def cmd_sitemap(site, report_dir):
    r = Report("sitemap", report_dir)
    base = read_base(report_dir)
    todo, seen_maps, seen_locs = ["sitemap.xml"], set(), set()
    while todo:
        rel = todo.pop(0)
        if rel in seen_maps:
            continue
        seen_maps.add(rel)
        path = os.path.join(site, rel)
        if not os.path.isfile(path):
            r.error(f"{rel}: missing")
            continue
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:
            r.error(f"{rel}: not well-formed XML: {e}")
            continue
        if root.tag == f"{{{SITEMAP_NS}}}sitemapindex":
            kind = "sitemap"
        elif root.tag == f"{{{SITEMAP_NS}}}urlset":
            kind = "url"
        else:
            r.error(f"{rel}: root element is {root.tag}, not urlset or sitemapindex in {SITEMAP_NS}")
            continue
        entries = root.findall(f"{{{SITEMAP_NS}}}{kind}")
        if len(entries) > 50000:
            r.error(f"{rel}: {len(entries)} entries, over the protocol's 50,000")
        for i, entry in enumerate(entries, 1):
            loc = text_of(entry, f"{{{SITEMAP_NS}}}loc")
            where = f"{rel} <{kind}> {i}"
            if not loc:
                r.error(f"{where}: no <loc>")
                continue
            r.checked += 1
            below = on_site(base, loc)
            if not urllib.parse.urlsplit(loc).scheme or below is None:
                r.error(f"{where}: <loc> {loc} is not an absolute URL on {base}")
                continue
            target = file_for(site, below)
            if target is None:
                r.error(f"{where}: <loc> {loc} maps to no file in the site")
            elif kind == "sitemap":
                todo.append(os.path.relpath(target, site))
            if loc in seen_locs:
                r.warn(f"{where}: <loc> {loc} is listed twice")
            seen_locs.add(loc)
            lastmod = text_of(entry, f"{{{SITEMAP_NS}}}lastmod")
            if lastmod is not None and not W3C_DATE.match(lastmod):
                r.warn(f"{where}: <lastmod> {lastmod!r} is not a W3C date")
    robots = os.path.join(site, "robots.txt")
    if os.path.isfile(robots):
        for n, line in enumerate(open(robots, encoding="utf-8", errors="replace"), 1):
            if line.lower().startswith("sitemap:"):
                url = line.split(":", 1)[1].strip()
                below = on_site(base, url)
                if below is None or file_for(site, below) is None:
                    r.warn(f"robots.txt:{n}: Sitemap: {url} maps to no file in the site")
    r.notes.append(f"base {base}")
    r.finish()


# --- internal links -----------------------------------------------------------------------------

class PageLinks(html.parser.HTMLParser):
    """The URLs a page makes the reader (or the browser) fetch, with their lines, and its ids."""

    URL_ATTRS = {"href", "src", "poster", "data", "action", "cite"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls, self.ids, self.base_href = [], set(), None

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        if tag == "base" and a.get("href") and self.base_href is None:
            self.base_href = a["href"]
            return
        if tag == "form":  # a form's action is answered by a script or another page's query
            return
        for key, value in attrs:
            if value is None:
                continue
            if key in self.URL_ATTRS and not (tag == "link" and "preconnect" in (a.get("rel") or "")):
                self.urls.append((line, f"<{tag} {key}>", value.strip()))
            elif key in ("srcset", "imagesrcset"):
                for candidate in value.split(","):
                    url = candidate.strip().split(" ")[0]
                    if url:
                        self.urls.append((line, f"<{tag} {key}>", url))
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "refresh":
            m = re.search(r"url\s*=\s*['\"]?([^'\"\s]+)", a.get("content") or "", re.I)
            if m:
                self.urls.append((line, "<meta refresh>", m.group(1)))


def cmd_links(site, report_dir):
    r = Report("links", report_dir)
    base = read_base(report_dir)
    parsed, links = {}, 0

    def parse(rel):
        if rel not in parsed:
            p = PageLinks()
            with open(os.path.join(site, rel), encoding="utf-8", errors="replace") as f:
                p.feed(f.read())
            parsed[rel] = p
        return parsed[rel]

    for rel in html_pages(site):
        r.checked += 1
        page = parse(rel)
        here = urllib.parse.urljoin(page_url(base, rel), page.base_href or "")
        for line, what, raw in page.urls:
            if not raw or raw.lower().startswith(NOT_FILES):
                continue
            url = urllib.parse.urljoin(here, raw)
            below = on_site(base, url)
            if below is None:
                continue  # another site: `pamphlet check --external` is the tool for those
            links += 1
            parts = urllib.parse.urlsplit(url)
            target = file_for(site, urllib.parse.urlsplit(below).path)
            if target is None:
                r.error(f"{rel}:{line}: {what} {raw} -> no file for {urllib.parse.unquote(parts.path)}")
                continue
            fragment = urllib.parse.unquote(parts.fragment)
            if fragment and target.endswith(".html") and fragment != "top":
                if fragment not in parse(os.path.relpath(target, site)).ids:
                    r.warn(f"{rel}:{line}: {what} {raw} -> no id {fragment!r} in {os.path.relpath(target, site)}")
    r.notes.append(f"{links} internal links")
    r.finish()


# --- pages for axe ------------------------------------------------------------------------------

class PageKind(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.body_class, self.dir, self.lang, self.title, self._in_title = "", "", "", "", False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.dir, self.lang = (a.get("dir") or "").lower(), (a.get("lang") or "").lower()
        elif tag == "body":
            self.body_class = a.get("class") or ""
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def cmd_axe_pages(site, report_dir):
    """Home, the first article, the first right-to-left article, the first category and the search
    page with a word of that article's title as query: the theme's body class kind-* tells which
    is which. A site whose theme does not say gets home and the first two other pages."""
    pages, picked = html_pages(site), []
    kinds = {}
    for rel in pages:
        p = PageKind()
        with open(os.path.join(site, rel), encoding="utf-8", errors="replace") as f:
            p.feed(f.read(20000))
        kinds[rel] = p
    if "index.html" in pages:
        picked.append(("home", ""))

    def first(pred):
        return next((rel for rel in pages if rel != "index.html" and rel != "404.html" and pred(kinds[rel])), None)

    article = first(lambda k: "kind-article" in k.body_class.split() and k.dir != "rtl")
    rtl = first(lambda k: "kind-article" in k.body_class.split() and k.dir == "rtl")
    category = first(lambda k: "kind-category" in k.body_class.split())
    search = first(lambda k: "kind-search" in k.body_class.split())
    for name, rel in (("article", article), ("article-rtl", rtl), ("category", category)):
        if rel:
            picked.append((name, page_url("/", rel)[1:]))
    if search:
        words = re.findall(r"\w{5,}", kinds[article].title if article else "")
        query = f"?q={urllib.parse.quote(words[0].lower())}" if words else ""
        picked.append(("search", page_url("/", search)[1:] + query))
    if len(picked) < 2:
        for rel in pages[:3]:
            if rel not in ("index.html", "404.html"):
                picked.append((rel, page_url("/", rel)[1:]))
    for name, path in picked:
        print(f"{name}\t{path}")


COMMANDS = {
    "base": cmd_base, "sample": cmd_sample, "html": cmd_html, "feeds": cmd_feeds,
    "sitemap": cmd_sitemap, "links": cmd_links, "axe-pages": cmd_axe_pages,
}

if __name__ == "__main__":
    if len(sys.argv) < 4 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    site_dir = os.path.abspath(sys.argv[2])
    COMMANDS[sys.argv[1]](site_dir, os.path.abspath(sys.argv[3]), *sys.argv[4:])
