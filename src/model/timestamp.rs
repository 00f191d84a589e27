//! Glimesh's `NaiveDateTime` (`YYYY-MM-DDTHH:MM:SS`, UTC by convention, no zone), read without
//! the general-purpose parser: it runs once per chat message.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::Deserializer;
use serde::de::{self, Visitor};

/// Parses `YYYY-MM-DDTHH:MM:SS`, optionally followed by a fraction of one to nine digits.
pub(crate) fn parse(text: &str) -> Option<NaiveDateTime> {
    let b = text.as_bytes();
    let separators = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if b.len() < 19 || separators.iter().any(|&(at, c)| b[at] != c) {
        return None;
    }
    let number = |digits: &[u8]| -> Option<u32> {
        digits.iter().try_fold(0u32, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let nanos = match &b[19..] {
        [] => 0,
        [b'.', digits @ ..] if (1..=9).contains(&digits.len()) => {
            number(digits)? * 10u32.pow(9 - digits.len() as u32)
        }
        _ => return None,
    };
    let year = i32::try_from(number(&b[0..4])?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..10])?)?;
    let time = NaiveTime::from_hms_nano_opt(
        number(&b[11..13])?,
        number(&b[14..16])?,
        number(&b[17..19])?,
        nanos,
    )?;
    Some(NaiveDateTime::new(date, time))
}

/// Deserializes a timestamp with [`parse`], for `#[serde(deserialize_with)]`, reading the text
/// where it lies without copying it.
pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
    d.deserialize_str(TimestampVisitor)
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = NaiveDateTime;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a timestamp (YYYY-MM-DDTHH:MM:SS)")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<NaiveDateTime, E> {
        parse(text).ok_or_else(|| {
            E::custom(format_args!(
                "not a timestamp (YYYY-MM-DDTHH:MM:SS): {:?}",
                text.chars().take(40).collect::<String>()
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::parse;
    use chrono::NaiveDateTime;
    use proptest::prelude::*;

    fn chrono_parse(text: &str) -> Option<NaiveDateTime> {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").ok()
    }

    #[test]
    fn reads_glimesh_timestamps() {
        let cases = [
            "2023-06-01T12:00:00",
            "2021-02-28T23:59:59.5",
            "2020-02-29T00:00:00.123456",
            "1999-12-31T08:07:06.000000001",
        ];
        for text in cases {
            assert_eq!(parse(text), chrono_parse(text), "{text}");
            assert!(parse(text).is_some(), "{text}");
        }
    }

    #[test]
    fn deserializes_json_strings_with_or_without_escapes() {
        #[derive(serde::Deserialize)]
        struct At {
            #[serde(deserialize_with = "super::deserialize")]
            at: NaiveDateTime,
        }
        let read = |json: &str| serde_json::from_str::<At>(json).map(|a| a.at);
        let plain = read(r#"{"at":"2023-06-01T12:00:00"}"#).unwrap();
        assert_eq!(plain, chrono_parse("2023-06-01T12:00:00").unwrap());
        assert_eq!(read(r#"{"at":"2023-06-01T12\u003a00:00"}"#).unwrap(), plain);
        let refused = read(r#"{"at":"yesterday"}"#).unwrap_err().to_string();
        assert!(refused.contains("not a timestamp"), "{refused}");
        assert!(read(r#"{"at":5}"#).is_err());
    }

    #[test]
    fn refuses_what_is_not_a_timestamp() {
        let cases = [
            "",
            "2023-06-01",
            "2023-06-01 12:00:00",
            "2023-02-30T12:00:00",
            "2023-06-01T24:00:00",
            "2023-06-01T12:00:00Z",
            "2023-06-01T12:00:00.",
            "2023-06-01T12:00:00.1234567890",
            "+023-06-01T12:00:00",
            "2023-06-01T12:00:0٣",
        ];
        for text in cases {
            assert_eq!(parse(text), None, "{text}");
        }
    }

    proptest! {
        #[test]
        fn agrees_with_chrono_on_every_instant(secs in 0i64..8_000_000_000, nanos in 0u32..1_000_000_000, digits in 0usize..=9) {
            let instant = chrono::DateTime::from_timestamp(secs, nanos).unwrap().naive_utc();
            let mut text = instant.format("%Y-%m-%dT%H:%M:%S").to_string();
            if digits > 0 {
                let fraction = format!("{:09}", instant.and_utc().timestamp_subsec_nanos());
                text.push('.');
                text.push_str(&fraction[..digits]);
            }
            prop_assert_eq!(parse(&text), chrono_parse(&text));
        }

        #[test]
        fn never_panics(text in "\\PC{0,40}") {
            let _ = parse(&text);
        }
    }
}
