//! Pactum library: configuration, commands and demo data, used by the binary and the tests.
