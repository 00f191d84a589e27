//! Timers' messages, and every duration of the toolkit's sections.

use super::*;

#[test]
fn a_timer_has_one_message_or_a_list_of_them() {
    let both = "[[timers]]\nmessage = \"a\"\nmessages = [\"b\"]\nevery = \"1m\"\n";
    assert_refused(both, "timers[0].messages", "not both");
    assert_refused(
        "[[timers]]\nevery = \"1m\"\n",
        "timers[0].message",
        "missing",
    );
    let empty = "[[timers]]\nmessages = []\nevery = \"1m\"\n";
    assert_refused(empty, "timers[0].messages", "is empty");
    let blank = "[[timers]]\nmessages = [\"a\", \" \"]\nevery = \"1m\"\n";
    assert_refused(blank, "timers[0].messages", "blank message");
    let long = format!(
        "[[timers]]\nmessage = \"{}\"\nevery = \"1m\"\n",
        "x".repeat(256)
    );
    assert_refused(
        &long,
        "timers[0].message",
        "more than one chat message holds",
    );
    let stray = "[[timers]]\nmessage = \"a\"\nevery = \"1m\"\nchannels = [\"streamr\"]\n";
    assert_refused(
        stray,
        "timers[0].channels",
        "not a channel the bot joins; did you mean \"streamer\"?",
    );
    let nobody = "[[timers]]\nmessage = \"a\"\nevery = \"1m\"\nchannels = [\"\"]\n";
    assert_refused(nobody, "timers[0].channels", "empty name");
}

#[test]
fn durations_are_checked() {
    let cooldown = "[[commands]]\nname = \"a\"\nreply = \"x\"\ncooldown = \"soon\"\n";
    assert_refused(
        cooldown,
        "commands[0].cooldown",
        "\"soon\" is not a duration",
    );
    let zero = "[[timers]]\nmessage = \"a\"\nevery = \"0s\"\n";
    assert_refused(zero, "timers[0].every", "no time at all");
    let seconds = "[[timers]]\nmessage = \"a\"\nevery = 90\n";
    assert_refused(
        seconds,
        "timers[0].every",
        "expected text in quotes; found an integer",
    );
    assert_refused(
        "[[timers]]\nmessage = \"a\"\n",
        "timers[0].every",
        "missing",
    );
}
