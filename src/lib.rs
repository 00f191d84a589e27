//! glimbot: chat bots for Glimesh.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "sim")]
pub mod sim;
mod socket;

pub use socket::frame;
