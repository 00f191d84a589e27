//! Which serializer a socket speaks, from its `vsn` query parameter.

/// Which Phoenix serializer a socket speaks: `vsn=2.0.0` (arrays) or `vsn=1.0.0`/absent (objects).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vsn {
    /// Objects `{"topic", "event", "payload", "ref", "join_ref"}`.
    V1,
    /// Arrays `[join_ref, ref, topic, event, payload]`.
    V2,
}

impl Vsn {
    /// From the `vsn` query parameter: None -> V1 (Phoenix default "1.0.0"), "1.0.0" -> V1,
    /// "2.0.0" -> V2, anything else -> None (unsupported; the server answers 403).
    ///
    /// Like Phoenix, which parses `vsn` as `SemVer` and matches `~> 1.0.0` or `~> 2.0.0`,
    /// any patch release is accepted too ("2.0.3", "2.0.1-rc.1", "2.0.0+build"), but not a
    /// pre-release of x.0.0, which sorts below it.
    #[must_use]
    pub fn from_param(vsn: Option<&str>) -> Option<Vsn> {
        let (version, build) = split(vsn.unwrap_or("1.0.0"), '+');
        let (core, pre) = split(version, '-');
        let [major, "0", patch] = core.split('.').collect::<Vec<_>>()[..] else {
            return None;
        };
        let valid = is_number(major)
            && is_number(patch)
            && (patch != "0" || pre.is_none())
            && pre.is_none_or(|p| p.split('.').all(is_pre_release_identifier))
            && build.is_none_or(|b| b.split('.').all(is_identifier));
        match (major, valid) {
            ("1", true) => Some(Vsn::V1),
            ("2", true) => Some(Vsn::V2),
            _ => None,
        }
    }
}

fn split(s: &str, separator: char) -> (&str, Option<&str>) {
    s.split_once(separator)
        .map_or((s, None), |(head, tail)| (head, Some(tail)))
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && (s == "0" || !s.starts_with('0'))
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn is_pre_release_identifier(s: &str) -> bool {
    is_identifier(s) && (is_number(s) || !s.bytes().all(|b| b.is_ascii_digit()))
}
