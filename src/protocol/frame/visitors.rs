//! The serde visitors that read a frame where it lies: its topic and event borrowed, a V2
//! array with or without a seed for its payload, and a V1 object.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::{Decoded, ESCAPED, Frame};

/// A topic or event. Borrowing is what makes escapes unsupported: `serde_json` hands
/// over an unescaped copy, which cannot outlive the call.
struct Name<'a>(&'a str);

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(NameVisitor)
    }
}

struct NameVisitor;

impl<'de> Visitor<'de> for NameVisitor {
    type Value = Name<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a topic or event string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Name<'de>, E> {
        Ok(Name(v))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Name<'de>, E> {
        Err(E::custom(ESCAPED))
    }
}

pub(super) struct V2Visitor;

/// Element `index` of a V2 frame.
fn next<'de, T: Deserialize<'de>, A: SeqAccess<'de>>(
    seq: &mut A,
    index: usize,
) -> Result<T, A::Error> {
    seq.next_element()?
        .ok_or_else(|| de::Error::invalid_length(index, &V2Visitor))
}

impl<'de> Visitor<'de> for V2Visitor {
    type Value = Frame<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array [join_ref, ref, topic, event, payload]")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Frame<'de>, A::Error> {
        let frame = Frame {
            join_ref: next(&mut seq, 0)?,
            msg_ref: next(&mut seq, 1)?,
            topic: next::<Name, _>(&mut seq, 2)?.0,
            event: next::<Name, _>(&mut seq, 3)?.0,
            payload: next(&mut seq, 4)?,
        };
        // Phoenix matches `[join_ref, ref, topic, event, payload | _]`.
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(frame)
    }
}

/// Reads a V2 frame for [`decode_with`].
pub(super) struct SelectVisitor<F> {
    pub(super) select: F,
}

impl<'de, S, F> Visitor<'de> for SelectVisitor<F>
where
    S: DeserializeSeed<'de>,
    F: FnOnce(&str, &str) -> Option<S>,
{
    type Value = Decoded<'de, S::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        V2Visitor.expecting(f)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let join_ref = next(&mut seq, 0)?;
        let msg_ref = next(&mut seq, 1)?;
        let topic = next::<Name, _>(&mut seq, 2)?.0;
        let event = next::<Name, _>(&mut seq, 3)?.0;
        let decoded = match (self.select)(topic, event) {
            Some(seed) => Decoded::Claimed(
                seq.next_element_seed(seed)?
                    .ok_or_else(|| de::Error::invalid_length(4, &V2Visitor))?,
            ),
            None => Decoded::Frame(Frame {
                join_ref,
                msg_ref,
                topic,
                event,
                payload: next(&mut seq, 4)?,
            }),
        };
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(decoded)
    }
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum Key {
    Topic,
    Event,
    Payload,
    Ref,
    JoinRef,
    #[serde(other)]
    Other,
}

pub(super) struct V1Visitor;

impl<'de> Visitor<'de> for V1Visitor {
    type Value = Frame<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(r#"an object {"topic", "event", "payload", "ref"}"#)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Frame<'de>, A::Error> {
        // Phoenix's JSON decoder keeps the first of duplicate keys, so later ones are only
        // checked to be JSON. Refs are doubly optional: present-but-null differs from absent.
        let (mut topic, mut event, mut payload) = (None, None, None);
        let (mut msg_ref, mut join_ref) = (None, None);
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Topic if topic.is_none() => topic = Some(map.next_value::<Name>()?.0),
                Key::Event if event.is_none() => event = Some(map.next_value::<Name>()?.0),
                Key::Payload if payload.is_none() => payload = Some(map.next_value()?),
                Key::Ref if msg_ref.is_none() => msg_ref = Some(map.next_value()?),
                Key::JoinRef if join_ref.is_none() => join_ref = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Frame {
            join_ref: join_ref.flatten(),
            msg_ref: msg_ref.ok_or_else(|| de::Error::missing_field("ref"))?,
            topic: topic.ok_or_else(|| de::Error::missing_field("topic"))?,
            event: event.ok_or_else(|| de::Error::missing_field("event"))?,
            payload: payload.ok_or_else(|| de::Error::missing_field("payload"))?,
        })
    }
}
