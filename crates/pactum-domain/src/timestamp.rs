//! Timestamps as Pactum stores and exports them: UTC, microsecond precision, one fixed text
//! format. Text sorts chronologically and reads the same on SQLite and PostgreSQL, and a
//! fixed precision keeps exports byte-identical across a round trip.

use time::format_description::FormatItem;
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

const FORMAT: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// Formats an instant as `2026-11-23T09:30:00.000000Z`.
pub fn format(at: OffsetDateTime) -> String {
    let utc = at.to_offset(UtcOffset::UTC);
    // The format has no fallible parts for years 0..=9999.
    utc.format(FORMAT)
        .unwrap_or_else(|_| String::from("0000-01-01T00:00:00.000000Z"))
}

/// Parses the stored format back.
pub fn parse(text: &str) -> Result<OffsetDateTime, time::error::Parse> {
    PrimitiveDateTime::parse(text, FORMAT).map(PrimitiveDateTime::assume_utc)
}

/// Cuts an instant to the stored precision, so a value compares equal after a round trip.
pub fn truncate(at: OffsetDateTime) -> OffsetDateTime {
    let micros = at.microsecond();
    at.replace_microsecond(micros).unwrap_or(at)
}

/// Serde for an instant in a record: written in the stored format (so it sorts as text),
/// read from any RFC 3339 time with an offset, kept in UTC at the stored precision.
pub mod serde_instant {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;
    use time::format_description::well_known::Rfc3339;

    pub fn serialize<S: Serializer>(at: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format(*at))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let text = String::deserialize(d)?;
        parse_any(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "{text:?} is not a time with an offset such as 2026-11-23T09:30:00Z"
            ))
        })
    }

    pub(crate) fn parse_any(text: &str) -> Option<OffsetDateTime> {
        OffsetDateTime::parse(text.trim(), &Rfc3339)
            .ok()
            .or_else(|| super::parse(text.trim()).ok())
            .map(|t| super::truncate(t.to_offset(time::UtcOffset::UTC)))
    }

    /// The same for an optional instant (`null` or absent is `None`).
    pub mod option {
        use serde::{Deserialize, Deserializer, Serializer};
        use time::OffsetDateTime;

        pub fn serialize<S: Serializer>(
            at: &Option<OffsetDateTime>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match at {
                Some(t) => s.serialize_str(&super::super::format(*t)),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<OffsetDateTime>, D::Error> {
            let text = Option::<String>::deserialize(d)?;
            match text {
                None => Ok(None),
                Some(t) if t.trim().is_empty() => Ok(None),
                Some(t) => super::parse_any(&t).map(Some).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "{t:?} is not a time with an offset such as 2026-11-23T09:30:00Z"
                    ))
                }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn round_trip() {
        let at = datetime!(2026-03-29 01:59:59.123456789 +01:00);
        let text = format(at);
        assert_eq!(text, "2026-03-29T00:59:59.123456Z");
        assert_eq!(parse(&text).unwrap(), truncate(at));
    }

    #[test]
    fn sorts_chronologically() {
        let a = format(datetime!(2026-01-02 03:04:05 UTC));
        let b = format(datetime!(2026-01-10 00:00:00 UTC));
        assert!(a < b);
    }
}

/// `#[serde(with = "pactum_domain::timestamp::serde_fmt")]` for instants in the stored format.
pub mod serde_fmt {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(at: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format(*at))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let text = String::deserialize(d)?;
        super::parse(&text).map_err(|_| {
            serde::de::Error::custom(format!(
                "timestamp {text:?} is not in the form 2026-01-31T09:30:00.000000Z"
            ))
        })
    }
}

/// The same for optional instants.
pub mod serde_fmt_option {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::OffsetDateTime;

    pub fn serialize<S: Serializer>(at: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match at {
            Some(at) => s.serialize_str(&super::format(*at)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|text| {
                super::parse(&text).map_err(|_| {
                    serde::de::Error::custom(format!(
                        "timestamp {text:?} is not in the form 2026-01-31T09:30:00.000000Z"
                    ))
                })
            })
            .transpose()
    }
}
