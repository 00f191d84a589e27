//! The HTML of the consent page: the emulator has no login, so the person picks an account.

use std::collections::HashMap;
use std::fmt::Write;

use crate::protocol::AUTHORIZE_PATH;

/// The authorize parameters the form carries back to `POST /oauth/authorize`.
const CARRIED: [&str; 7] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "code_challenge",
    "code_challenge_method",
];

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn document(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:32em;margin:3em auto}}\
         label{{display:block;margin:.3em 0}}button{{margin-right:1em}}</style>\
         </head><body>{body}</body></html>\n"
    )
}

/// The consent form: which account to act as, and Approve or Deny.
pub(super) fn page(params: &HashMap<String, String>, users: &[(u64, String)]) -> String {
    let mut body = String::new();
    let scope = params.get("scope").map_or("", String::as_str);
    let _ = write!(
        body,
        "<h1>Authorize application</h1><p>An application asks to act for you with the \
         scopes <strong>{}</strong>.</p><form method=\"post\" action=\"{AUTHORIZE_PATH}\">",
        escape(if scope.is_empty() { "(none)" } else { scope })
    );
    for name in CARRIED {
        if let Some(value) = params.get(name) {
            let _ = write!(
                body,
                "<input type=\"hidden\" name=\"{name}\" value=\"{}\">",
                escape(value)
            );
        }
    }
    // Nothing is picked for the person: an Approve without a look would sign in as whoever
    // came first. Deny needs no pick.
    body.push_str("<fieldset><legend>Sign in as</legend>");
    for (id, username) in users {
        let _ = write!(
            body,
            "<label><input type=\"radio\" name=\"user_id\" value=\"{id}\" required> {}</label>",
            escape(username)
        );
    }
    body.push_str(
        "</fieldset><p><button type=\"submit\" name=\"action\" value=\"authorize\">Approve</button>\
         <button type=\"submit\" name=\"action\" value=\"deny\" formnovalidate>Deny</button></p></form>",
    );
    document("Authorize application", &body)
}

/// A page for an authorize request that cannot be redirected back.
pub(super) fn error_page(text: &str) -> String {
    document(
        "Authorization error",
        &format!("<h1>Error</h1><p>{}</p>", escape(text)),
    )
}
