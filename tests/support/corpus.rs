//! A deterministic newsroom corpus for tests and benchmarks (issue 16): the articles of a
//! digital-rights news site, written as a pamphlet site, or as the same articles for Hugo or
//! Zola so build times can be compared on equal content.
//!
//! Shared by `examples/corpus.rs`, `examples/bench.rs` and `tests/it/corpus.rs` through
//! `#[path = "…"] mod corpus;`, so it is not part of the library's public API. Every choice
//! comes from a SplitMix64 stream per article, seeded from `--seed` and the article's number, and
//! nothing reads the clock or the environment: the same `--articles` and `--seed` give the same
//! files on every machine. (Dates spread over 2015–2025 whatever the count, so a different
//! `--articles` moves them.)
//!
//! What a corpus holds: a category tree with "News" under both "DRM Exclusive" and "In Media";
//! a few hundred tags whose use falls off steeply (a long tail); a dozen authors declared in the
//! site's configuration, with co-authored articles; about 5% Urdu articles (`lang: ur`); about
//! 2% drafts and 1% scheduled (dated 2099); explicit previous/next on about 1%; headings,
//! lists, quotes, tables, code blocks, footnotes; featured and inline images (small PNGs under
//! `static/images/`); links to earlier published articles, which resolve.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

/// Which tool's layout to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `site.yaml`, `content/`, `static/`.
    Pamphlet,
    /// `hugo.yaml`, `content/`, `layouts/`, `static/`.
    Hugo,
    /// `config.toml`, `content/`, `templates/`, `static/`.
    Zola,
}

impl Format {
    /// `pamphlet`, `hugo` or `zola`.
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "pamphlet" => Some(Format::Pamphlet),
            "hugo" => Some(Format::Hugo),
            "zola" => Some(Format::Zola),
            _ => None,
        }
    }
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    /// How many articles (drafts and scheduled ones included).
    pub articles: usize,
    /// The seed of every random choice.
    pub seed: u64,
    /// The layout to write.
    pub format: Format,
}

/// What was written, for messages and assertions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Articles written.
    pub articles: usize,
    /// Of those, drafts.
    pub drafts: usize,
    /// Of those, dated in the future (and not drafts).
    pub scheduled: usize,
    /// Of those, in Urdu.
    pub urdu: usize,
    /// Distinct tags used.
    pub tags: usize,
}

impl Summary {
    /// Articles a default build publishes (neither draft nor scheduled).
    pub fn published(&self) -> usize {
        self.articles - self.drafts - self.scheduled
    }
}

/// Writes the corpus into `out` (created if missing; existing files are overwritten).
pub fn write(opts: &Options, out: &Path) -> std::io::Result<Summary> {
    let corpus = Corpus::generate(opts.articles, opts.seed);
    match opts.format {
        Format::Pamphlet => write_pamphlet(&corpus, out)?,
        Format::Hugo => write_hugo(&corpus, out)?,
        Format::Zola => write_zola(&corpus, out)?,
    }
    write_static(&out.join("static"))?;
    let mut tags: Vec<&str> = corpus.articles.iter().flat_map(|a| a.tags.iter().map(String::as_str)).collect();
    tags.sort_unstable();
    tags.dedup();
    Ok(Summary {
        articles: corpus.articles.len(),
        drafts: corpus.articles.iter().filter(|a| a.draft).count(),
        scheduled: corpus.articles.iter().filter(|a| a.scheduled && !a.draft).count(),
        urdu: corpus.articles.iter().filter(|a| a.urdu).count(),
        tags: tags.len(),
    })
}

// ---------------------------------------------------------------------------------------------
// Randomness

/// SplitMix64 (Steele, Lea and Flood 2014): tiny, fast, and good enough to pick words.
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let mut rng = Rng(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index in `0..n` where index i is about 1/(i+1) as likely as index 0 (Zipf-like).
    fn zipf(&mut self, n: usize) -> usize {
        let x = ((n as f64 + 1.0).powf(self.unit()) - 1.0) as usize;
        x.min(n - 1)
    }
}

// ---------------------------------------------------------------------------------------------
// The newsroom's vocabulary

struct Category {
    name: &'static str,
    children: &'static [Category],
}

const fn leaf(name: &'static str) -> Category {
    Category { name, children: &[] }
}

/// Menu order. "News" exists under two parents, so articles must name the full path.
const CATEGORIES: &[Category] = &[
    Category {
        name: "DRM Exclusive",
        children: &[
            leaf("News"),
            leaf("Court Updates"),
            leaf("Features"),
            Category { name: "Campaigns", children: &[leaf("#PrivacyHumSabKe")] },
        ],
    },
    Category { name: "In Media", children: &[leaf("News"), leaf("OP-EDs")] },
    leaf("Editorial"),
    Category { name: "Gender & Tech", children: &[leaf("SheConnects")] },
    leaf("Trends Monitor"),
    Category { name: "Resources", children: &[leaf("Laws and Policies"), leaf("Research"), leaf("Guides")] },
];

/// Every category path, parents first (`DRM Exclusive`, `DRM Exclusive/News`, …).
fn category_paths() -> Vec<String> {
    fn walk(nodes: &[Category], prefix: &str, out: &mut Vec<String>) {
        for node in nodes {
            let path = if prefix.is_empty() { node.name.to_string() } else { format!("{prefix}/{}", node.name) };
            out.push(path.clone());
            walk(node.children, &path, out);
        }
    }
    let mut out = Vec::new();
    walk(CATEGORIES, "", &mut out);
    out
}

const GIVEN_NAMES: &[&str] =
    &["Ayesha", "Bilal", "Farah", "Hamid", "Iqra", "Junaid", "Kiran", "Mansoor", "Nadia", "Omar", "Saima", "Tahir"];
const FAMILY_NAMES: &[&str] =
    &["Qadri", "Lodhi", "Memon", "Rizvi", "Durrani", "Shah", "Khattak", "Jatoi", "Mengal", "Naqvi", "Bhatti"];
const BEATS: &[&str] = &[
    "courts and cyber law",
    "network shutdowns",
    "privacy and data protection",
    "online harassment and gender",
    "platform regulation",
    "surveillance technology",
];

struct Author {
    id: String,
    name: String,
    bio: String,
}

fn authors() -> Vec<Author> {
    let mut out = vec![Author {
        id: "drm-staff".into(),
        name: "DRM Staff".into(),
        bio: "Reporting by the Digital Rights Monitor desk.".into(),
    }];
    for (i, given) in GIVEN_NAMES.iter().enumerate() {
        let family = FAMILY_NAMES[(i * 7) % FAMILY_NAMES.len()];
        let name = format!("{given} {family}");
        out.push(Author {
            id: slugify(&name),
            bio: format!("{given} reports on {} for Digital Rights Monitor.", BEATS[i % BEATS.len()]),
            name,
        });
    }
    out
}

struct Topic {
    key: &'static str,
    /// Category paths an article on this topic may file under.
    categories: &'static [&'static str],
    /// Tags that go with the topic, most common first.
    tags: &'static [&'static str],
    /// Title patterns: `{place}`, `{agency}`, `{court}`, `{app}`, `{n}`.
    titles: &'static [&'static str],
    /// What the story is about, mid-sentence.
    subjects: &'static [&'static str],
}

const TOPICS: &[Topic] = &[
    Topic {
        key: "shutdown",
        categories: &["DRM Exclusive/News", "In Media/News", "Trends Monitor"],
        tags: &["Internet Shutdown", "Mobile Internet", "#KeepItOn", "Connectivity", "Protests"],
        titles: &[
            "Mobile data suspended across {place} for a {n}th day",
            "{agency} defends network suspension in {place}",
            "Traders in {place} count the cost of a week offline",
            "Who switched off the internet in {place}, and under which law?",
        ],
        subjects: &[
            "the suspension of mobile data in {place}",
            "the absence of any written shutdown order",
            "losses reported by small businesses in {place}",
        ],
    },
    Topic {
        key: "privacy",
        categories: &["DRM Exclusive/Features", "DRM Exclusive/Campaigns/#PrivacyHumSabKe", "Resources/Research"],
        tags: &["Privacy", "Data Protection", "Biometrics", "Personal Data", "Consent"],
        titles: &[
            "{agency} wants biometric checks for every SIM in {place}",
            "What {app} knows about you, and who it tells",
            "A data protection bill, {n} drafts later",
            "Hospitals in {place} share patient files without consent",
        ],
        subjects: &[
            "the collection of biometric records by {agency}",
            "the privacy policy {app} published last month",
            "data retention by telecom operators",
        ],
    },
    Topic {
        key: "courts",
        categories: &["DRM Exclusive/Court Updates", "Resources/Laws and Policies", "In Media/News"],
        tags: &["Judiciary", "PECA", "Islamabad High Court", "Blocking Orders", "Bail"],
        titles: &[
            "{court} asks {agency} to explain the block on {app}",
            "{court} reserves verdict in petition against the cybercrime law",
            "Journalist granted bail by {court} after {n} days in custody",
            "{court} calls blanket blocking of {app} unlawful",
        ],
        subjects: &[
            "the petition pending before the {court}",
            "the blocking of {app} ordered by {agency}",
            "section 20 of the cybercrime law",
        ],
    },
    Topic {
        key: "gender",
        categories: &["Gender & Tech", "Gender & Tech/SheConnects", "DRM Exclusive/Features"],
        tags: &["Women", "Online Harassment", "Gender", "Women Journalists", "SheConnects"],
        titles: &[
            "Women reporters in {place} describe a year of online abuse",
            "Helpline logs {n} harassment complaints in one quarter",
            "Why so many women in {place} are still offline",
            "Deepfake images target candidates in {place}",
        ],
        subjects: &[
            "harassment of women journalists on {app}",
            "the gap in mobile ownership between men and women in {place}",
            "complaints left unanswered by {agency}",
        ],
    },
    Topic {
        key: "platforms",
        categories: &["In Media/OP-EDs", "Editorial", "DRM Exclusive/News"],
        tags: &["Social Media", "Content Moderation", "Website Blocking", "VPN", "Censorship"],
        titles: &[
            "{agency} blocks {app} citing 'objectionable content'",
            "{app} back online after {n} days",
            "Opinion: regulating {app} without silencing its users",
            "{agency} asks {app} to remove {n} accounts",
        ],
        subjects: &[
            "the takedown requests {agency} sent to {app}",
            "registration rules for VPN users",
            "the transparency report {app} released",
        ],
    },
    Topic {
        key: "surveillance",
        categories: &["DRM Exclusive/News", "Resources/Guides", "Trends Monitor"],
        tags: &["Surveillance", "Firewall", "Spyware", "Lawful Interception", "Safe City"],
        titles: &[
            "Slow internet in {place} linked to firewall tests, providers say",
            "Cameras with face recognition installed in {place} without consultation",
            "A field guide to spyware for newsrooms in {place}",
            "{agency} confirms a national firewall for the first time",
        ],
        subjects: &[
            "the firewall {agency} has begun testing",
            "face recognition cameras in {place}",
            "interception requests that no court reviews",
        ],
    },
];

const PLACES: &[&str] = &[
    "Balochistan",
    "Karachi",
    "Lahore",
    "Quetta",
    "Peshawar",
    "Gilgit-Baltistan",
    "Islamabad",
    "Gwadar",
    "Swat",
    "Multan",
    "Kurram",
    "Hyderabad",
];
const AGENCIES: &[&str] =
    &["PTA", "the FIA", "the interior ministry", "NADRA", "the IT ministry", "the provincial government"];
const COURTS: &[&str] = &["Islamabad High Court", "Lahore High Court", "Sindh High Court", "Supreme Court"];
const APPS: &[&str] = &["X", "TikTok", "YouTube", "WhatsApp", "Facebook", "Telegram", "Signal", "Instagram"];
const ACTORS: &[&str] = &[
    "Digital rights groups",
    "Lawyers for the petitioners",
    "Telecom operators",
    "Opposition senators",
    "Journalists' unions",
    "Researchers we spoke to",
    "Residents of {place}",
    "Officials at {agency}",
];
const VERBS: &[&str] = &[
    "questioned",
    "raised concerns about",
    "asked for a written explanation of",
    "documented",
    "challenged",
    "welcomed a review of",
    "warned against",
    "have been tracking",
];
const CLOSERS: &[&str] = &[
    "No official response had been received by the time of publication.",
    "The matter is expected to come up again next month.",
    "Similar complaints were recorded in {place} last year.",
    "Several people asked not to be named, fearing reprisals.",
    "The figures could not be independently verified.",
    "Advocates say the pattern is now familiar.",
];
/// Extra tags that make the long tail: place-, app- and year-specific terms used rarely.
fn tag_pool() -> Vec<String> {
    let mut pool: Vec<String> = vec!["Pakistan".into(), "Digital Rights".into(), "Freedom of Expression".into()];
    for topic in TOPICS {
        pool.extend(topic.tags.iter().map(|t| t.to_string()));
    }
    for place in PLACES {
        pool.push(format!("Shutdown in {place}"));
        pool.push(format!("{place} Safe City"));
    }
    for app in APPS {
        pool.push(format!("{app} Ban"));
        pool.push(format!("{app} Transparency Report"));
    }
    for year in 2015..=2025 {
        pool.push(format!("Annual Report {year}"));
        pool.push(format!("Elections {year}"));
    }
    for court in COURTS {
        pool.push(format!("{court} Hearings"));
    }
    for place in PLACES {
        for theme in ["Protests", "Broadband", "Elections", "Journalists", "Students", "Women"] {
            pool.push(format!("{theme} in {place}"));
        }
    }
    for agency in AGENCIES {
        let agency = capitalise(agency);
        for theme in ["Orders", "Notices", "Consultation", "Budget"] {
            pool.push(format!("{agency} {theme}"));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    pool.retain(|t| seen.insert(t.clone()));
    pool
}

const URDU_TITLES: &[&str] = &[
    "{place} میں موبائل انٹرنیٹ کی بندش کا {n}واں دن",
    "ڈیٹا کے تحفظ کا قانون: شہریوں کے لیے کیا بدلے گا؟",
    "خواتین صحافیوں کو آن لائن ہراسانی کا سامنا",
    "عدالت نے سوشل میڈیا پر پابندی کے خلاف درخواست سماعت کے لیے منظور کر لی",
    "{place} کے طلبہ آن لائن کلاسوں سے محروم",
];
const URDU_SENTENCES: &[&str] = &[
    "ڈیجیٹل حقوق کے کارکنوں نے اس فیصلے پر شدید تشویش کا اظہار کیا ہے۔",
    "حکام کی جانب سے اب تک کوئی تحریری حکم نامہ جاری نہیں کیا گیا۔",
    "شہریوں کا کہنا ہے کہ انٹرنیٹ کی بندش سے ان کا روزگار متاثر ہوا ہے۔",
    "ماہرین کے مطابق ذاتی معلومات کے تحفظ کے لیے جامع قانون ناگزیر ہے۔",
    "صحافیوں کی تنظیموں نے اس معاملے کی شفاف تحقیقات کا مطالبہ کیا ہے۔",
    "عدالت نے متعلقہ اداروں سے دو ہفتوں میں جواب طلب کر لیا ہے۔",
];
const URDU_TAG: &str = "ڈیجیٹل حقوق";

// ---------------------------------------------------------------------------------------------
// The model

struct Article {
    number: usize,
    title: String,
    slug: String,
    /// `YYYY-MM-DD`, `HH:MM`.
    day: (i64, u32, u32),
    time: (u32, u32),
    authors: Vec<usize>,
    categories: Vec<String>,
    tags: Vec<String>,
    urdu: bool,
    draft: bool,
    scheduled: bool,
    /// Path, caption and alt text.
    image: Option<(String, String, String)>,
    summary: Option<String>,
    /// Indexes of the explicit previous and next article.
    previous_next: Option<(usize, usize)>,
    body: String,
}

impl Article {
    fn published(&self) -> bool {
        !self.draft && !self.scheduled
    }

    fn date_text(&self) -> String {
        let (y, m, d) = self.day;
        format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:00+05:00", self.time.0, self.time.1)
    }

    /// The URL every format gives the article: `/:year/:month/:slug/`.
    fn url(&self) -> String {
        format!("/{:04}/{:02}/{}/", self.day.0, self.day.1, self.slug)
    }

    fn file_name(&self) -> String {
        let (y, m, d) = self.day;
        format!("{y:04}-{m:02}-{d:02}-{}.md", self.slug)
    }
}

struct Corpus {
    authors: Vec<Author>,
    articles: Vec<Article>,
}

impl Corpus {
    fn generate(count: usize, seed: u64) -> Corpus {
        let authors = authors();
        let pool = tag_pool();
        let mut articles: Vec<Article> = Vec::with_capacity(count);
        // 2015-01-01 to 2025-12-31, oldest first.
        let (first, last) = (days_from_civil(2015, 1, 1), days_from_civil(2025, 12, 31));
        for number in 0..count {
            let mut rng = Rng::new(seed, number as u64 + 1);
            let day = first + ((last - first) * number as i64) / count.max(1) as i64;
            let article = make_article(&mut rng, number, day, &authors, &pool, &articles);
            articles.push(article);
        }
        link_previous_next(&mut articles, seed);
        Corpus { authors, articles }
    }
}

fn make_article(
    rng: &mut Rng,
    number: usize,
    day: i64,
    authors: &[Author],
    pool: &[String],
    earlier: &[Article],
) -> Article {
    let topic = &TOPICS[rng.zipf(TOPICS.len())];
    let urdu = rng.chance(0.05);
    let draft = rng.chance(0.02);
    let scheduled = rng.chance(0.01);
    let day = if scheduled {
        civil_from_days(days_from_civil(2099, 1, 1) + rng.below(365) as i64)
    } else {
        civil_from_days(day)
    };
    let time = (9 + rng.below(9) as u32, rng.below(60) as u32);
    let title = fill_one(rng, if urdu { URDU_TITLES } else { topic.titles });
    let slug = if urdu { format!("ur-{}", number + 1) } else { format!("{}-{}", short_slug(&title), number + 1) };

    let mut authors_of = vec![1 + rng.below(authors.len() - 1)];
    if rng.chance(0.12) {
        let other = rng.below(authors.len());
        if !authors_of.contains(&other) {
            authors_of.push(other);
        }
    } else if rng.chance(0.08) {
        authors_of = vec![0];
    }

    let mut categories = vec![rng.pick(topic.categories).to_string()];
    if rng.chance(0.2) {
        let extra = rng.pick(TOPICS).categories;
        let extra = rng.pick(extra).to_string();
        if !categories.contains(&extra) {
            categories.push(extra);
        }
    }

    let mut tags: Vec<String> = Vec::new();
    let mut add_tag = |t: String| {
        if !tags.contains(&t) {
            tags.push(t);
        }
    };
    add_tag(topic.tags[rng.zipf(topic.tags.len())].to_string());
    for _ in 0..1 + rng.below(4) {
        add_tag(pool[rng.zipf(pool.len())].clone());
    }
    if urdu {
        add_tag(URDU_TAG.to_string());
    }

    let image = rng.chance(0.7).then(|| {
        let path = format!("/images/{}-{}.png", topic.key, 1 + rng.below(4));
        let place = rng_pick(rng, PLACES);
        let (caption, alt) = if urdu {
            ("فائل فوٹو".to_string(), format!("{place} کا ایک منظر"))
        } else {
            (format!("File photo: {place}"), format!("A street in {place}, seen from a rooftop"))
        };
        (path, caption, alt)
    });
    let summary = rng.chance(0.3).then(|| {
        if urdu {
            rng_pick(rng, URDU_SENTENCES).to_string()
        } else {
            format!("{} {}", capitalise(&fill_one(rng, topic.subjects)), "and what it means for readers.")
        }
    });

    let published_earlier: Vec<&Article> = earlier.iter().rev().filter(|a| a.published()).take(200).collect();
    let body = if urdu { urdu_body(rng) } else { english_body(rng, topic, &published_earlier) };
    Article {
        number,
        title,
        slug,
        day,
        time,
        authors: authors_of,
        categories,
        tags,
        urdu,
        draft,
        scheduled,
        image,
        summary,
        previous_next: None,
        body,
    }
}

/// About 1% of published articles name their previous and next article explicitly (a series),
/// always other published articles.
fn link_previous_next(articles: &mut [Article], seed: u64) {
    let published: Vec<usize> = (0..articles.len()).filter(|&i| articles[i].published()).collect();
    let mut rng = Rng::new(seed, u64::MAX);
    for w in 1..published.len().saturating_sub(1) {
        if rng.chance(0.01) {
            let (before, at, after) = (published[w - 1], published[w], published[w + 1]);
            articles[at].previous_next = Some((before, after));
        }
    }
}

fn rng_pick(rng: &mut Rng, items: &[&'static str]) -> &'static str {
    items[rng.below(items.len())]
}

/// Fills `{place}`, `{agency}`, `{court}`, `{app}` and `{n}` in a pattern.
fn fill(rng: &mut Rng, pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = open + rest[open..].find('}').expect("patterns close their braces");
        match &rest[open + 1..close] {
            "place" => out.push_str(rng_pick(rng, PLACES)),
            "agency" => out.push_str(rng_pick(rng, AGENCIES)),
            "court" => out.push_str(rng_pick(rng, COURTS)),
            "app" => out.push_str(rng_pick(rng, APPS)),
            "n" => out.push_str(&(2 + rng.below(40)).to_string()),
            other => panic!("unknown slot {other}"),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    if out.starts_with("the ") {
        out = capitalise(&out);
    }
    out
}

/// [`fill`] on one pattern picked from `patterns`.
fn fill_one(rng: &mut Rng, patterns: &[&'static str]) -> String {
    let pattern = rng_pick(rng, patterns);
    fill(rng, pattern)
}

fn sentence(rng: &mut Rng, topic: &Topic) -> String {
    match rng.below(4) {
        0 => fill_one(rng, CLOSERS),
        _ => {
            let actor = fill_one(rng, ACTORS);
            let verb = rng_pick(rng, VERBS);
            let subject = fill_one(rng, topic.subjects);
            let tail = match rng.below(3) {
                0 => String::new(),
                1 => fill(rng, " on Tuesday, saying the decision affects people far beyond {place}"),
                _ => format!(" in a statement issued after {} weeks of silence", 2 + rng.below(9)),
            };
            format!("{actor} {verb} {}{tail}.", lower_first(&subject))
        }
    }
}

fn paragraph(rng: &mut Rng, topic: &Topic) -> String {
    let n = 3 + rng.below(5);
    (0..n).map(|_| sentence(rng, topic)).collect::<Vec<_>>().join(" ")
}

fn english_body(rng: &mut Rng, topic: &Topic, earlier: &[&Article]) -> String {
    // A long tail of lengths: most articles have 6 to 12 paragraphs, a few several dozen.
    let paragraphs = 6 + rng.below(7) + (rng.unit().powi(6) * 40.0) as usize;
    let more = rng.chance(0.3);
    let mut footnotes = Vec::new();
    let mut body = String::new();
    for i in 0..paragraphs {
        if i > 0 && i % 4 == 0 {
            let _ = writeln!(body, "## {}\n", capitalise(&fill_one(rng, topic.subjects)));
        }
        let mut text = paragraph(rng, topic);
        if rng.chance(0.15) && !earlier.is_empty() {
            let target = earlier[rng.below(earlier.len())];
            let _ = write!(
                text,
                " We [reported earlier]({}) on \"{}\".",
                target.url(),
                target.title.replace(['[', ']'], "")
            );
        }
        if rng.chance(0.1) {
            let _ = write!(
                text,
                " The full text is on the [regulator's site](https://www.example.gov.pk/notices/{}).",
                rng.below(9000)
            );
        }
        if rng.chance(0.04) {
            footnotes.push(fill(rng, "Figures supplied by {agency} on request."));
            let _ = write!(text, "[^{}]", footnotes.len());
        }
        body.push_str(&text);
        body.push_str("\n\n");
        if i == 0 && more {
            body.push_str("<!-- more -->\n\n");
        }
        match rng.below(40) {
            0..=2 => {
                for _ in 0..3 + rng.below(3) {
                    let _ = writeln!(body, "- {}", capitalise(&fill_one(rng, topic.subjects)));
                }
                body.push('\n');
            }
            3 => {
                let _ = writeln!(body, "> {}\n", sentence(rng, topic));
            }
            4 => {
                let _ = writeln!(
                    body,
                    "![{}](/images/{}-{}.png)\n",
                    fill(rng, "A street in {place}"),
                    topic.key,
                    1 + rng.below(4)
                );
            }
            _ => {}
        }
    }
    if rng.chance(0.1) {
        body.push_str("| Place | Days affected | Orders published |\n| --- | ---: | --- |\n");
        for _ in 0..3 + rng.below(5) {
            let _ = writeln!(
                body,
                "| {} | {} | {} |",
                rng.pick(PLACES),
                1 + rng.below(60),
                if rng.chance(0.2) { "yes" } else { "no" }
            );
        }
        body.push('\n');
    }
    if rng.chance(0.03) {
        let _ = writeln!(
            body,
            "To check whether a site is blocked from your connection:\n\n```sh\ncurl -sI https://{}.example.com | head -n 1\ndig +short {}.example.com\n```\n",
            rng.pick(APPS).to_lowercase(),
            rng.pick(APPS).to_lowercase()
        );
    }
    if rng.chance(0.05) && footnotes.is_empty() {
        footnotes.push("Data from our shutdown tracker, updated weekly.".into());
        body.push_str("Our own counts differ from the official ones.[^1]\n\n");
    }
    for (i, note) in footnotes.iter().enumerate() {
        let _ = writeln!(body, "[^{}]: {note}", i + 1);
    }
    body
}

fn urdu_body(rng: &mut Rng) -> String {
    let mut body = String::new();
    for i in 0..4 + rng.below(6) {
        if i == 2 {
            body.push_str("## پس منظر\n\n");
        }
        let n = 3 + rng.below(4);
        let text: Vec<&str> = (0..n).map(|_| rng_pick(rng, URDU_SENTENCES)).collect();
        body.push_str(&text.join(" "));
        body.push_str("\n\n");
    }
    body
}

// ---------------------------------------------------------------------------------------------
// Writers

fn write_pamphlet(c: &Corpus, out: &Path) -> std::io::Result<()> {
    let mut y = String::new();
    y.push_str("title: \"Digital Rights Monitor\"\nbase_url: https://example.org\n");
    y.push_str("description: \"Reporting on digital rights and internet governance\"\n");
    y.push_str(
        "language: en\ntimezone: Asia/Karachi\ntheme: advocacy\npermalink: /:year/:month/:slug/\npaginate: 10\n",
    );
    y.push_str("authors:\n");
    for a in &c.authors {
        let _ = write!(y, "  {}:\n    name: {}\n    bio: {}\n", a.id, quote(&a.name), quote(&a.bio));
    }
    y.push_str("categories:\n");
    fn tree(y: &mut String, nodes: &[Category], indent: &str) {
        for node in nodes {
            let _ = writeln!(y, "{indent}- name: {}", quote(node.name));
            if !node.children.is_empty() {
                let _ = writeln!(y, "{indent}  children:");
                tree(y, node.children, &format!("{indent}    "));
            }
        }
    }
    tree(&mut y, CATEGORIES, "  ");
    y.push_str("menu:\n");
    for (name, slug, _) in PAGES {
        let _ = writeln!(y, "  - {{ name: {}, url: /{slug}/ }}", quote(name));
    }
    write_text(&out.join("site.yaml"), &y)?;

    for a in &c.articles {
        let mut fm = format!("---\ntitle: {}\ndate: {}\n", quote(&a.title), a.date_text());
        if a.authors.len() == 1 {
            let _ = writeln!(fm, "author: {}", c.authors[a.authors[0]].id);
        } else {
            let ids: Vec<&str> = a.authors.iter().map(|&i| c.authors[i].id.as_str()).collect();
            let _ = writeln!(fm, "authors: [{}]", ids.join(", "));
        }
        let _ = writeln!(fm, "categories: {}", yaml_list(&a.categories));
        let _ = writeln!(fm, "tags: {}", yaml_list(&a.tags));
        common_front_matter(&mut fm, a);
        if let Some((previous, next)) = a.previous_next {
            let _ = write!(fm, "previous: {}\nnext: {}\n", c.articles[previous].slug, c.articles[next].slug);
        }
        fm.push_str("---\n\n");
        fm.push_str(&a.body);
        write_text(&out.join("content").join(format!("{:04}", a.day.0)).join(a.file_name()), &fm)?;
    }
    for (title, slug, text) in PAGES {
        let page = format!("---\ntitle: {}\nslug: {slug}\n---\n\n{text}\n", quote(title));
        write_text(&out.join("content/pages").join(format!("{slug}.md")), &page)?;
    }
    Ok(())
}

/// Front matter lines every YAML format shares: image, summary, draft, lang.
fn common_front_matter(fm: &mut String, a: &Article) {
    if let Some((path, caption, alt)) = &a.image {
        let _ = write!(fm, "image: {path}\nimage_caption: {}\nimage_alt: {}\n", quote(caption), quote(alt));
    }
    if let Some(summary) = &a.summary {
        let _ = writeln!(fm, "summary: {}", quote(summary));
    }
    if a.draft {
        fm.push_str("draft: true\n");
    }
    if a.urdu {
        let _ = writeln!(fm, "lang: ur");
    }
}

const PAGES: &[(&str, &str, &str)] = &[
    ("About", "about", "Digital Rights Monitor reports on access, privacy and expression online."),
    ("Contact", "contact", "Write to the desk at desk@example.org. For sensitive tips, ask for our Signal number."),
    ("Privacy Policy", "privacy-policy", "This site sets no cookies and keeps no visitor logs beyond thirty days."),
];

/// Hugo has flat taxonomies: an article carries its category's path and every ancestor's, as
/// one term each, so a parent's term page lists its children's articles as pamphlet's does.
/// Hugo nests term pages on "/", hence " › " between levels.
fn flat_categories(paths: &[String], separator: &str) -> Vec<String> {
    let mut out = Vec::new();
    for path in paths {
        let parts: Vec<&str> = path.split('/').collect();
        for depth in 1..=parts.len() {
            let term = parts[..depth].join(separator);
            if !out.contains(&term) {
                out.push(term);
            }
        }
    }
    out
}

const HUGO_SEPARATOR: &str = " \u{203a} ";

fn write_hugo(c: &Corpus, out: &Path) -> std::io::Result<()> {
    let mut cfg = String::from(
        "baseURL: https://example.org/\ntitle: Digital Rights Monitor\ntimeZone: Asia/Karachi\n\
         pagination:\n  pagerSize: 10\ntaxonomies:\n  category: categories\n  tag: tags\n  author: authors\n\
         permalinks:\n  page:\n    posts: /:year/:month/:slug/\n    pages: /:slug/\n\
         outputs:\n  home: [html, rss]\n  section: [html]\n  taxonomy: [html]\n  term: [html, rss]\nmenus:\n  main:\n",
    );
    for (i, cat) in CATEGORIES.iter().enumerate() {
        let _ = write!(
            cfg,
            "    - name: {}\n      pageRef: /categories/{}\n      weight: {}\n",
            quote(cat.name),
            slugify(cat.name),
            i + 1
        );
    }
    for (i, (name, slug, _)) in PAGES.iter().enumerate() {
        let _ = write!(cfg, "    - name: {}\n      url: /{slug}/\n      weight: {}\n", quote(name), 100 + i);
    }
    write_text(&out.join("hugo.yaml"), &cfg)?;
    for a in &c.articles {
        let mut fm = format!("---\ntitle: {}\ndate: {}\nslug: {}\n", quote(&a.title), a.date_text(), a.slug);
        let names: Vec<String> = a.authors.iter().map(|&i| c.authors[i].name.clone()).collect();
        let _ = writeln!(fm, "authors: {}", yaml_list(&names));
        let _ = writeln!(fm, "categories: {}", yaml_list(&flat_categories(&a.categories, HUGO_SEPARATOR)));
        let _ = writeln!(fm, "tags: {}", yaml_list(&a.tags));
        common_front_matter(&mut fm, a);
        if let Some((previous, next)) = a.previous_next {
            let stem = |i: usize| c.articles[i].file_name().trim_end_matches(".md").to_string();
            let _ = write!(fm, "previous: /posts/{}\nnext: /posts/{}\n", stem(previous), stem(next));
        }
        fm.push_str("---\n\n");
        fm.push_str(&a.body);
        write_text(&out.join("content/posts").join(a.file_name()), &fm)?;
    }
    for (title, slug, text) in PAGES {
        write_text(
            &out.join("content/pages").join(format!("{slug}.md")),
            &format!("---\ntitle: {}\nslug: {slug}\n---\n\n{text}\n", quote(title)),
        )?;
    }
    for (name, text) in HUGO_LAYOUTS {
        write_text(&out.join("layouts").join(name), text)?;
    }
    Ok(())
}

/// Minimal templates with the pages and parts pamphlet's theme renders: menu, article with
/// featured image, tags and previous/next, three related articles, paginated lists, feeds.
/// `scripts/bench.sh` removes the related block to time Hugo without it; keep its shape.
const HUGO_LAYOUTS: &[(&str, &str)] = &[
    (
        "_default/baseof.html",
        r#"<!DOCTYPE html>
<html lang="{{ .Params.lang | default site.Language.Lang }}"{{ if eq .Params.lang "ur" }} dir="rtl"{{ end }}>
<head><meta charset="utf-8"><title>{{ if .IsHome }}{{ site.Title }}{{ else }}{{ .Title }} · {{ site.Title }}{{ end }}</title>
<link rel="canonical" href="{{ .Permalink }}"></head>
<body>
<nav><a href="/">{{ site.Title }}</a>{{ range site.Menus.main }} <a href="{{ .URL }}">{{ .Name }}</a>{{ end }}</nav>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"#,
    ),
    (
        "_default/single.html",
        r#"{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2 January 2006" }}</time>
{{ range .GetTerms "authors" }} <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}
{{ range .GetTerms "categories" }} <a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</p>
{{ with .Params.image }}<figure><img src="{{ . }}" alt="{{ $.Params.image_alt }}"><figcaption>{{ $.Params.image_caption }}</figcaption></figure>{{ end }}
{{ .Content }}
<ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ $previous := .NextInSection }}{{ $next := .PrevInSection }}
{{ with .Params.previous }}{{ with site.GetPage . }}{{ $previous = . }}{{ end }}{{ end }}
{{ with .Params.next }}{{ with site.GetPage . }}{{ $next = . }}{{ end }}{{ end }}
<nav>{{ with $previous }}<a rel="prev" href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}
{{ with $next }}<a rel="next" href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</nav>
{{ with first 3 (site.RegularPages.Related .) }}<section><h2>Related</h2><ul>
{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>
{{ end }}</ul></section>{{ end }}
</article>
{{ end }}
"#,
    ),
    (
        "_default/list.html",
        r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = where site.RegularPages "Section" "posts" }}{{ end }}
{{ $pager := .Paginate $pages }}
{{ range $pager.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></h2>
{{ with .Params.image }}<img src="{{ . }}" alt="">{{ end }}<p>{{ .Summary }}</p></article>
{{ end }}
<nav>{{ with $pager.Prev }}<a rel="prev" href="{{ .URL }}">Newer</a>{{ end }}
{{ with $pager.Next }}<a rel="next" href="{{ .URL }}">Older</a>{{ end }}</nav>
{{ end }}
"#,
    ),
    (
        "_default/terms.html",
        r#"{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
"#,
    ),
    ("404.html", "{{ define \"main\" }}<h1>Page not found</h1>{{ end }}\n"),
];

fn write_zola(c: &Corpus, out: &Path) -> std::io::Result<()> {
    let cfg = "base_url = \"https://example.org\"\ntitle = \"Digital Rights Monitor\"\ndefault_language = \"en\"\n\
               generate_feeds = true\nbuild_search_index = false\ntaxonomies = [\n\
               \x20 { name = \"categories\", paginate_by = 10, feed = true },\n\
               \x20 { name = \"tags\", paginate_by = 10, feed = true },\n\
               \x20 { name = \"authors\", paginate_by = 10 },\n]\n\n[markdown]\nhighlight_code = true\n";
    write_text(&out.join("config.toml"), cfg)?;
    write_text(&out.join("content/_index.md"), "+++\nsort_by = \"date\"\npaginate_by = 10\n+++\n")?;
    write_text(
        &out.join("content/posts/_index.md"),
        "+++\ntransparent = true\nsort_by = \"date\"\nrender = false\n+++\n",
    )?;
    for a in &c.articles {
        let (y, m, _) = a.day;
        let mut fm = format!(
            "+++\ntitle = {}\ndate = {}\npath = \"{y:04}/{m:02}/{}\"\n",
            quote(&a.title),
            a.date_text(),
            a.slug
        );
        if let Some(summary) = &a.summary {
            let _ = writeln!(fm, "description = {}", quote(summary));
        }
        if a.draft {
            fm.push_str("draft = true\n");
        }
        let names: Vec<String> = a.authors.iter().map(|&i| c.authors[i].name.clone()).collect();
        let _ = write!(
            fm,
            "\n[taxonomies]\nauthors = {}\ncategories = {}\ntags = {}\n\n[extra]\n",
            toml_list(&names),
            toml_list(&flat_categories(&a.categories, " / ")),
            toml_list(&a.tags)
        );
        if let Some((path, caption, alt)) = &a.image {
            let _ = write!(fm, "image = \"{path}\"\nimage_caption = {}\nimage_alt = {}\n", quote(caption), quote(alt));
        }
        if a.urdu {
            fm.push_str("lang = \"ur\"\n");
        }
        fm.push_str("+++\n\n");
        fm.push_str(&a.body);
        write_text(&out.join("content/posts").join(a.file_name()), &fm)?;
    }
    for (title, slug, text) in PAGES {
        let page = format!("+++\ntitle = {}\npath = \"{slug}\"\n+++\n\n{text}\n", quote(title));
        write_text(&out.join("content").join(format!("{slug}.md")), &page)?;
    }
    for (name, text) in ZOLA_TEMPLATES {
        write_text(&out.join("templates").join(name), text)?;
    }
    Ok(())
}

const ZOLA_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        r#"<!DOCTYPE html>
<html lang="{% if page.extra.lang %}{{ page.extra.lang }}{% else %}en{% endif %}">
<head><meta charset="utf-8"><title>{% block title %}{{ config.title }}{% endblock %}</title></head>
<body><nav><a href="/">{{ config.title }}</a> <a href="/about/">About</a> <a href="/contact/">Contact</a></nav>
<main>{% block main %}{% endblock %}</main></body>
</html>
"#,
    ),
    (
        "index.html",
        r#"{% extends "base.html" %}
{% block main %}
{% for page in paginator.pages %}<article><h2><a href="{{ page.permalink }}">{{ page.title }}</a></h2>{{ page.summary | default(value="") | safe }}</article>
{% endfor %}
<nav>{% if paginator.previous %}<a href="{{ paginator.previous }}">Newer</a>{% endif %}
{% if paginator.next %}<a href="{{ paginator.next }}">Older</a>{% endif %}</nav>
{% endblock %}
"#,
    ),
    ("section.html", "{% extends \"index.html\" %}\n"),
    (
        "page.html",
        r#"{% extends "base.html" %}
{% block title %}{{ page.title }} · {{ config.title }}{% endblock %}
{% block main %}
<article{% if page.extra.lang == "ur" %} dir="rtl"{% endif %}>
<h1>{{ page.title }}</h1>
{% if page.extra.image %}<figure><img src="{{ page.extra.image }}" alt="{{ page.extra.image_alt }}"><figcaption>{{ page.extra.image_caption }}</figcaption></figure>{% endif %}
{{ page.content | safe }}
{% if page.taxonomies.tags %}<ul>{% for tag in page.taxonomies.tags %}<li><a href="{{ get_taxonomy_url(kind="tags", name=tag) }}">{{ tag }}</a></li>{% endfor %}</ul>{% endif %}
<nav>{% if page.lower %}<a rel="prev" href="{{ page.lower.permalink }}">{{ page.lower.title }}</a>{% endif %}
{% if page.higher %}<a rel="next" href="{{ page.higher.permalink }}">{{ page.higher.title }}</a>{% endif %}</nav>
</article>
{% endblock %}
"#,
    ),
    (
        "taxonomy_list.html",
        r#"{% extends "base.html" %}
{% block main %}<ul>{% for term in terms %}<li><a href="{{ term.permalink }}">{{ term.name }}</a> ({{ term.page_count }})</li>{% endfor %}</ul>{% endblock %}
"#,
    ),
    (
        "taxonomy_single.html",
        r#"{% extends "base.html" %}
{% block main %}<h1>{{ term.name }}</h1>
{% for page in paginator.pages %}<article><h2><a href="{{ page.permalink }}">{{ page.title }}</a></h2></article>
{% endfor %}
<nav>{% if paginator.previous %}<a href="{{ paginator.previous }}">Newer</a>{% endif %}
{% if paginator.next %}<a href="{{ paginator.next }}">Older</a>{% endif %}</nav>
{% endblock %}
"#,
    ),
    ("404.html", "{% extends \"base.html\" %}\n{% block main %}<h1>Page not found</h1>{% endblock %}\n"),
];

/// Featured and inline images (`/images/<topic>-<1..4>.png`) and a logo: small solid PNGs.
fn write_static(dir: &Path) -> std::io::Result<()> {
    for (t, topic) in TOPICS.iter().enumerate() {
        for k in 1..=4u8 {
            let rgb =
                [(40 * t as u8).wrapping_add(50 * k), (90u8).wrapping_add(30 * k), (200u8).wrapping_sub(25 * t as u8)];
            write_bytes(&dir.join(format!("images/{}-{k}.png", topic.key)), &png(96, 54, rgb))?;
        }
    }
    write_bytes(&dir.join("images/logo.png"), &png(120, 40, [20, 90, 60]))
}

/// A valid RGB PNG of one colour (zlib through flate2, already a dependency; CRC from flate2).
fn png(width: u32, height: u32, rgb: [u8; 3]) -> Vec<u8> {
    // Each scanline: filter type 0 (none), then the pixels.
    let row: Vec<u8> = std::iter::once(0).chain(rgb.iter().copied().cycle().take(3 * width as usize)).collect();
    let raw = row.repeat(height as usize);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&raw).expect("writing to memory");
    let data = z.finish().expect("writing to memory");
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, no interlace
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, body) in [(&b"IHDR"[..], &ihdr[..]), (b"IDAT", &data), (b"IEND", &[])] {
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(body);
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Small helpers

fn write_text(path: &Path, text: &str) -> std::io::Result<()> {
    write_bytes(path, text.as_bytes())
}

fn write_bytes(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes)
}

/// A double-quoted string, valid in both YAML and TOML.
fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn yaml_list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", "))
}

fn toml_list(items: &[String]) -> String {
    yaml_list(items)
}

fn slugify(s: &str) -> String {
    let mut out = String::new();
    for ch in s.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The slug of `title`, cut at a word boundary to at most 50 characters (pamphlet warns about
/// long URL slugs, and newsrooms shorten them).
fn short_slug(title: &str) -> String {
    let mut slug = slugify(title);
    while slug.len() > 50 {
        match slug.rfind('-') {
            Some(cut) => slug.truncate(cut),
            None => slug.truncate(50),
        }
    }
    slug
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn lower_first(s: &str) -> String {
    // Keep acronyms and names ("PTA", "X") as they are; lower only a leading "The ".
    s.strip_prefix("The ").map(|rest| format!("the {rest}")).unwrap_or_else(|| s.to_string())
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        for (y, m, d) in [(1970, 1, 1), (2015, 1, 1), (2024, 2, 29), (2099, 12, 31)] {
            assert_eq!(civil_from_days(days_from_civil(y, m, d)), (y, m, d));
        }
    }
}
