//! The date formats pamphlet writes: RFC 3339 (templates, Atom, the sitemap) and RFC 822
//! (RSS), each with the date's own offset, so that a page shows the author's local time.

/// RFC 3339 with the date's own offset: `2023-09-05T10:00:00+05:00`.
pub fn rfc3339(date: &jiff::ZonedDateTime) -> String {
    date.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// RFC 822 (as updated by RFC 2822/5322) for RSS: `Tue, 5 Sep 2023 10:00:00 +0500`.
pub fn rfc822(date: &jiff::ZonedDateTime) -> String {
    // jiff prints every date it can represent; the fallback is never reached for article dates.
    jiff::fmt::rfc2822::to_string(date)
        .unwrap_or_else(|_| date.timestamp().strftime("%a, %d %b %Y %H:%M:%S +0000").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_formats_keep_the_dates_own_offset() {
        let date: jiff::ZonedDateTime = "2023-09-05T10:00:00+05:00[Asia/Karachi]".parse().unwrap();
        assert_eq!(rfc3339(&date), "2023-09-05T10:00:00+05:00");
        assert_eq!(rfc822(&date), "Tue, 5 Sep 2023 10:00:00 +0500");
    }
}
