#![allow(clippy::unwrap_used)]

use super::*;

/// A chat push's payload, as Glimesh sends it.
fn chat_push(id: u64, text: &str) -> String {
    serde_json::json!({
        "result": {"data": {"chatMessage": {
            "id": id.to_string(),
            "message": text,
            "insertedAt": "2023-06-01T12:00:00",
            "user": {"id": "2", "username": "viewer"},
            "metadata": {"moderator": false, "streamer": true},
        }}},
        "subscriptionId": "__absinthe__:doc:1:AB",
    })
    .to_string()
}

fn decode(payload: &str, spent: &mut Option<Event>) -> Box<ChatMessage> {
    let mut de = serde_json::Deserializer::from_str(payload);
    match Kind::Chat.decode(&mut de, spent).unwrap() {
        Some(Event::Chat(message)) => message,
        other => panic!("not a chat message: {other:?}"),
    }
}

#[test]
fn a_message_is_decoded_into_the_memory_of_a_spent_one() {
    let first = decode(&chat_push(1, "a first message, long enough"), &mut None);
    let (text_at, id_at) = (first.text.as_ptr(), first.id.as_ptr());
    let mut spent = Some(Event::Chat(first));
    let second = decode(&chat_push(2, "then a second"), &mut spent);
    assert!(spent.is_none(), "the spent message was taken");
    assert_eq!(second.text, "then a second");
    assert_eq!(second.id, "2");
    assert_eq!(
        (second.author.id.as_str(), second.author.username.as_str()),
        ("2", "viewer")
    );
    assert!(second.author_is_streamer && !second.author_is_moderator);
    assert_eq!((second.text.as_ptr(), second.id.as_ptr()), (text_at, id_at));
}

#[test]
fn a_message_with_escapes_or_without_a_spent_one_is_whole() {
    let mut spent = Some(Event::ChannelUpdate(ChannelUpdate { title: None }));
    let message = decode(&chat_push(7, "quoted \"text\" \u{e9}"), &mut spent);
    assert_eq!(message.text, "quoted \"text\" \u{e9}");
    assert_eq!(message.id, "7");
    assert!(
        spent.is_none(),
        "an event of another kind is not kept either"
    );
}
