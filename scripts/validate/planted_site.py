#!/usr/bin/env python3
"""Writes a tiny built site with one planted defect per checker of scripts/validate.sh, for its
--self-test (which expects each checker to name its defect):

  html     an element HTML does not have (<blink>)
  feeds    an RSS item whose pubDate is not a date
  sitemap  a <loc> for a page that does not exist (/no-such-page/)
  links    a link to a page that does not exist (/missing-page/)
  a11y     an image without alt text (axe's image-alt)

Everything else is correct, so a checker that reports something else is wrong too.

usage: planted_site.py OUT_DIR
"""
import os
import sys

BASE = "https://planted.example/"


def page(kind, title, body):
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="canonical" href="{BASE}{'' if kind == 'index' else 'article/'}">
<link rel="alternate" type="application/rss+xml" title="Feed" href="/feed.xml">
</head>
<body class="kind-{kind}">
<header><a href="/">Planted</a></header>
<main id="main">
<h1>{title}</h1>
{body}
</main>
</body>
</html>
"""


FILES = {
    "index.html": page("index", "Planted defects", """<p>A site for the validator's self-test.</p>
<p><a href="/article/">The article</a> and <a href="article/#photo">its photo</a>.</p>"""),
    "article/index.html": page("article", "An article with defects", """<p>Read <a href="/missing-page/">the missing page</a>.</p>
<blink>An element HTML never had.</blink>
<p id="photo"><img src="/photo.svg" width="40" height="40"></p>"""),
    "photo.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="#357"/></svg>\n',
    "feed.xml": f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
 <channel>
  <title>Planted defects</title>
  <link>{BASE}</link>
  <description>The self-test's feed</description>
  <item>
   <title>An article with defects</title>
   <link>{BASE}article/</link>
   <guid>{BASE}article/</guid>
   <pubDate>yesterday at noon</pubDate>
  </item>
 </channel>
</rss>
""",
    "sitemap.xml": f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{BASE}</loc></url>
<url><loc>{BASE}article/</loc><lastmod>2026-01-02</lastmod></url>
<url><loc>{BASE}no-such-page/</loc></url>
</urlset>
""",
    "robots.txt": f"User-agent: *\nAllow: /\n\nSitemap: {BASE}sitemap.xml\n",
}

if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    for rel, text in FILES.items():
        path = os.path.join(sys.argv[1], rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
