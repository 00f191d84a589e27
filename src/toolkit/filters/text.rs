//! What the filters look for in a message's text: one pass that counts letters, capitals,
//! symbols and emotes, and the links it names. Nothing here allocates.

/// The counts the capitals, symbols and emotes filters read, from one pass over the text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Counts {
    pub(super) letters: u32,
    pub(super) capitals: u32,
    /// Characters that are neither letters, digits nor spaces, outside emotes.
    pub(super) symbols: u32,
    /// Characters that are not spaces, outside emotes.
    pub(super) visible: u32,
    /// Emotes written as Glimesh writes them, `:name:`.
    pub(super) emotes: u32,
}

impl Counts {
    pub(super) fn of(text: &str) -> Counts {
        let bytes = text.as_bytes();
        let mut counts = Counts::default();
        let mut at = 0;
        while at < bytes.len() {
            if bytes[at] == b':'
                && let Some(length) = emote_at(&bytes[at..])
            {
                counts.emotes += 1;
                at += length;
                continue;
            }
            let c = match bytes[at] {
                ascii @ 0..0x80 => char::from(ascii),
                _ => text[at..].chars().next().unwrap_or_default(),
            };
            at += c.len_utf8();
            if c.is_whitespace() {
                continue;
            }
            counts.visible += 1;
            if c.is_alphabetic() {
                counts.letters += 1;
                counts.capitals += u32::from(c.is_uppercase());
            } else if !c.is_numeric() {
                counts.symbols += 1;
            }
        }
        counts
    }
}

/// The length of the emote `:name:` at the start of `bytes`, if one is there.
fn emote_at(bytes: &[u8]) -> Option<usize> {
    let name = bytes[1..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    (name > 0 && bytes.get(1 + name) == Some(&b':')).then_some(name + 2)
}

/// Whether more than `max_percent` of `total` is `part`.
pub(super) fn over_share(part: u32, total: u32, max_percent: u32) -> bool {
    u64::from(part) * 100 > u64::from(total) * u64::from(max_percent)
}

/// Top-level domains a bare domain (one written without `http`) must end in to count as a
/// link, so that `e.g.` or `file.txt` do not.
const BARE_TLDS: [&str; 34] = [
    "app", "be", "biz", "ca", "cc", "club", "co", "com", "de", "dev", "eu", "fr", "fun", "gg",
    "info", "io", "link", "live", "ly", "me", "net", "nl", "online", "org", "pw", "ru", "shop",
    "site", "store", "to", "top", "tv", "uk", "xyz",
];

/// The host of each link in `text`: `https://clips.glimesh.tv/x` and `www.example.com` name a
/// host, and so does a bare `example.com` whose domain ends in a common top-level domain.
pub(super) fn link_hosts(text: &str) -> impl Iterator<Item = &str> {
    // Every link has a dot in its host, so most messages are done with one search.
    let words = match text.contains('.') {
        true => text,
        false => "",
    };
    words.split_whitespace().filter_map(host)
}

fn host(word: &str) -> Option<&str> {
    let (rest, has_scheme) = match strip_prefix_ignore_case(word, "https://")
        .or_else(|| strip_prefix_ignore_case(word, "http://"))
    {
        Some(rest) => (rest, true),
        None => (
            word.trim_start_matches(|c: char| !c.is_alphanumeric()),
            false,
        ),
    };
    let end = rest.find(['/', '?', '#', ':']).unwrap_or(rest.len());
    let host = rest[..end].trim_end_matches(|c: char| !c.is_alphanumeric());
    let (name, tld) = host.rsplit_once('.')?;
    let labels_valid = host
        .split('.')
        .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    let tld_valid = match has_scheme || strip_prefix_ignore_case(host, "www.").is_some() {
        true => tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()),
        false => BARE_TLDS.iter().any(|t| t.eq_ignore_ascii_case(tld)),
    };
    (!name.is_empty() && labels_valid && tld_valid).then_some(host)
}

/// Whether `host` is `domain` or one of its subdomains, in any case.
pub(super) fn within_domain(host: &str, domain: &str) -> bool {
    let (host, domain) = (host.as_bytes(), domain.as_bytes());
    if host.len() < domain.len() {
        return false;
    }
    let (head, tail) = host.split_at(host.len() - domain.len());
    tail.eq_ignore_ascii_case(domain) && (head.is_empty() || head.ends_with(b"."))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_skip_spaces_and_emotes() {
        let counts = Counts::of("HI there :glimwave: :x: 42!? é");
        let expected = Counts {
            letters: 8,
            capitals: 2,
            symbols: 2,
            visible: 12,
            emotes: 2,
        };
        assert_eq!(counts, expected);
        assert_eq!(Counts::of("a :: b :no space: c").emotes, 0);
    }

    #[test]
    fn links_are_found_with_or_without_a_scheme() {
        let hosts: Vec<&str> = link_hosts(
            "see https://Clips.Glimesh.tv/abc, www.foo.example and (evil.com). not e.g. or \
             file.txt or 3.14 or http://localhost",
        )
        .collect();
        assert_eq!(hosts, ["Clips.Glimesh.tv", "www.foo.example", "evil.com"]);
        assert_eq!(link_hosts("no links here").count(), 0);
    }

    #[test]
    fn a_domain_covers_its_subdomains_only() {
        assert!(within_domain("clips.glimesh.tv", "glimesh.tv"));
        assert!(within_domain("GLIMESH.TV", "glimesh.tv"));
        assert!(!within_domain("notglimesh.tv", "glimesh.tv"));
        assert!(!within_domain("glimesh.tv.evil.com", "glimesh.tv"));
    }

    #[test]
    fn shares_compare_without_rounding() {
        assert!(over_share(8, 10, 70));
        assert!(!over_share(7, 10, 70));
    }
}
