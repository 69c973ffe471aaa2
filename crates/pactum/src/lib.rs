//! The Pactum application: configuration, the command line, the server's start-up and the
//! demo data. `main.rs` only calls [`cli::run`].

pub mod backup;
pub mod cli;
pub mod config;
pub mod demo;
pub mod keys;
pub mod server;
