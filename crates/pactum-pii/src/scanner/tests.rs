//! One test group per kind: valid values, look-alikes that fail their check, boundaries
//! and Unicode text around the value.

use super::scan;
use crate::Kind;

/// The (kind, matched text) pairs found in `text`.
fn found(text: &str) -> Vec<(Kind, &str)> {
    scan(text)
        .into_iter()
        .map(|f| (f.kind, &text[f.start..f.end]))
        .collect()
}

fn only(text: &str, kind: Kind, value: &str) {
    assert_eq!(found(text), vec![(kind, value)], "in {text:?}");
}

fn nothing(text: &str) {
    assert_eq!(found(text), vec![], "in {text:?}");
}

#[test]
fn emails() {
    only(
        "contact jan.jansen@example.nl today",
        Kind::Email,
        "jan.jansen@example.nl",
    );
    only(
        "user=a_b+tag@sub.example.co.uk;",
        Kind::Email,
        "a_b+tag@sub.example.co.uk",
    );
    only("<mailto:x@y.org>", Kind::Email, "x@y.org");
    only(
        "élève:marie@école.fr? no, marie@ecole.fr.",
        Kind::Email,
        "marie@ecole.fr",
    );
    only("Ünïcode→ann@example.com←", Kind::Email, "ann@example.com");
    nothing("not an email: a@b, @handle, x@localhost, trailing@");
    nothing("version 1.2@3.4");
}

#[test]
fn email_local_parts_where_the_domain_is_masked() {
    only(
        "login failed for jan.jansen@*** from app",
        Kind::EmailLocalPart,
        "jan.jansen",
    );
    only(
        "user jan.jansen@<redacted>",
        Kind::EmailLocalPart,
        "jan.jansen",
    );
    nothing("ping @all and team@");
}

#[test]
fn phones() {
    only("bel +31 6 12345678 vandaag", Kind::Phone, "+31 6 12345678");
    only("tel: 06-12345678.", Kind::Phone, "06-12345678");
    only("tel (020) 123 4567", Kind::Phone, "(020) 123 4567");
    only("+31 (0)20 123 4567", Kind::Phone, "+31 (0)20 123 4567");
    only("call +44 20 7946 0958 now", Kind::Phone, "+44 20 7946 0958");
    only("0031612345678", Kind::Phone, "0031612345678");
    only("tel:0612345678", Kind::Phone, "0612345678");
    nothing("at 2026-11-23 09:30:00 took 0.5s, code 12345");
    nothing("+31 6 1234");
}

#[test]
fn ibans() {
    only(
        "iban NL91ABNA0417164300 ok",
        Kind::Iban,
        "NL91ABNA0417164300",
    );
    only(
        "IBAN: NL91 ABNA 0417 1643 00.",
        Kind::Iban,
        "NL91 ABNA 0417 1643 00",
    );
    only(
        "DE89370400440532013000",
        Kind::Iban,
        "DE89370400440532013000",
    );
    nothing("NL91ABNA0417164301");
    nothing("NL91ABNA04171643001");
    nothing("XNL91ABNA0417164300");
}

#[test]
fn bsns() {
    only("bsn 111222333 bekend", Kind::Bsn, "111222333");
    only("bsn=123456782", Kind::Bsn, "123456782");
    nothing("bsn 123456789");
    nothing("id1112223334");
    nothing("order 1112223330");
}

#[test]
fn vat_numbers() {
    only("BTW NL867441264B01", Kind::VatNumber, "NL867441264B01");
    only("vat:BE0403170701", Kind::VatNumber, "BE0403170701");
    only("USt-IdNr. DE136695976", Kind::VatNumber, "DE136695976");
    nothing("NL867441265B01");
    nothing("BE0403170702");
}

#[test]
fn card_numbers() {
    only(
        "card 4111 1111 1111 1111 exp",
        Kind::CardNumber,
        "4111 1111 1111 1111",
    );
    only(
        "4111-1111-1111-1111",
        Kind::CardNumber,
        "4111-1111-1111-1111",
    );
    only("amex 378282246310005", Kind::CardNumber, "378282246310005");
    only("mc 5555555555554444", Kind::CardNumber, "5555555555554444");
    nothing("4111 1111 1111 1112");
    nothing("9111111111111111");
}

#[test]
fn ip_addresses() {
    only("from 192.168.10.20:443", Kind::Ipv4, "192.168.10.20");
    only(
        "client=2001:db8::8a2e:370:7334 ok",
        Kind::Ipv6,
        "2001:db8::8a2e:370:7334",
    );
    only("peer ::1 closed", Kind::Ipv6, "::1");
    only(
        "fe80::1ff:fe23:4567:890a",
        Kind::Ipv6,
        "fe80::1ff:fe23:4567:890a",
    );
    nothing("at 12:30:45 on 300.1.1.1 and 1.2.3");
    nothing("mac 00:1a:2b:3c:4d:5e");
}

#[test]
fn secrets() {
    let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    only(&format!("Authorization: Bearer {jwt}"), Kind::Jwt, jwt);
    let bcrypt = "$2b$12$KIXQJ5W6q5Jv0sF7mVb7Ce1z2Q3w4E5r6T7y8U9i0O1p2A3s4D5f6";
    only(&format!("hash={bcrypt} user"), Kind::PasswordHash, bcrypt);
    let argon = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG";
    only(&format!("pw {argon}"), Kind::PasswordHash, argon);
    only(
        "sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 x",
        Kind::HexToken,
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    );
    only(
        "key=sk-proj-AbCdEf0123456789XyZaBcDeF",
        Kind::ApiKey,
        "sk-proj-AbCdEf0123456789XyZaBcDeF",
    );
    only(
        "aws AKIAIOSFODNN7EXAMPLE",
        Kind::ApiKey,
        "AKIAIOSFODNN7EXAMPLE",
    );
    for token in [
        "pct_Xq3vR0c9LmN2bT7yHk1sWd4eFg6jUa8pZo5iQx-_AB",
        "pat_Xq3vR0c9LmN2bT7yHk1sWd4eFg6jUa8pZo5iQx-_AB",
        "prt_Xq3vR0c9LmN2bT7yHk1sWd4eFg6jUa8pZo5iQx-_AB",
    ] {
        only(&format!("Bearer {token}"), Kind::ApiKey, token);
    }
    only(
        "token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
        Kind::ApiKey,
        "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
    );
    only(
        "db postgres://app:s3cr3t@db.internal:5432/pactum",
        Kind::CredentialUrl,
        "postgres://app:s3cr3t@db.internal:5432",
    );
    nothing("see https://example.com/path and ftp://host/x");
    nothing("deadbeefdeadbeefdeadbeefdeadbeef is letters only");
    nothing("sk-short");
}

#[test]
fn several_in_one_line_in_order() {
    let text = "jan@example.nl paid from NL91ABNA0417164300 via 10.0.0.1, bsn 111222333";
    let kinds: Vec<Kind> = scan(text).into_iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [Kind::Email, Kind::Iban, Kind::Ipv4, Kind::Bsn]);
}

#[test]
fn spans_are_char_boundaries_in_unicode_text() {
    let text = "名前: 田中 — tanaka@example.jp — 電話 +81 3 1234 5678 ✓";
    for f in scan(text) {
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
    }
    assert_eq!(
        found(text),
        vec![
            (Kind::Email, "tanaka@example.jp"),
            (Kind::Phone, "+81 3 1234 5678")
        ]
    );
}

#[test]
fn regressions_found_by_fuzzing() {
    // A key prefix that ends in '.' followed by nothing ("SG.").
    nothing("(SG.");
    nothing("SG...");
    // "00" split by brackets: fewer digits in the first group than the prefix.
    nothing("(0)0=A0");
    // Colons and letters only are no IPv6 address.
    nothing("::A::A:: and std::io and add::");
    // A URL whose scheme runs back into an e-mail address: one finding, no overlap.
    let text = "zqq@q.v.wqqq++://::A+@x";
    let f = scan(text);
    assert!(f.windows(2).all(|w| w[0].end <= w[1].start), "{f:?}");
}
