//! Public holidays, computed for any year (fixed dates plus feasts counted from Easter), for
//! the countries whose deadlines Pactum moves: the Netherlands, Belgium, Germany (per Land)
//! and France (with Alsace-Moselle and the overseas departments).
//!
//! Which list counts: Regulation 1182/71 Art. 2(1) takes "the public holidays of the Member
//! State where the action is to be taken", and the lists the Commission should publish could
//! not be found, so each country's list here is the one its own general law on periods and
//! holidays designates. Sources, per country:
//!
//! - **NL**: Algemene termijnenwet (Stb. 1964, 314) Art. 3(1): New Year's Day, Easter Monday,
//!   Ascension Day, Whit Monday, Christmas and Boxing Day, the King's birthday (27 April, or
//!   26 April when the 27th is a Sunday: Besluit van 30 januari 2013, Stcrt. 2013, 4075) and
//!   5 May every year; Art. 3(2) equates Good Friday, and Pactum counts it (the Atw's own
//!   list, and the reading the UI shows as the reason whenever it moves a deadline).
//!   Bridge days equated by royal decree (Art. 3(3)) change per year: they are closure days
//!   an organisation adds itself.
//! - **BE**: Law of 4 January 1974 and Royal Decree of 18 April 1974: 1 January, Easter
//!   Monday, 1 May, Ascension, Whit Monday, 21 July, 15 August, 1 November, 11 November,
//!   25 December. The community days (11 July, 27 September, 15 November) are not legal
//!   holidays for the private sector and do not count.
//! - **DE**: holidays are law of the Länder; 3 October is federal (Unification Treaty).
//!   Nationwide: 1 January, Good Friday, Easter Monday, 1 May, Ascension, Whit Monday,
//!   3 October, 25 and 26 December. Per Land (ISO 3166-2 code): 6 January BW, BY, ST;
//!   8 March BE (since 2019), MV (since 2023); Corpus Christi BW, BY, HE, NW, RP, SL;
//!   15 August SL; 20 September TH (since 2019); 31 October BB, HB, HH, MV, NI, SN, ST, SH,
//!   TH (HB, HH, NI, SH since 2018); 1 November BW, BY, NW, RP, SL; Buß- und Bettag (the
//!   Wednesday before 23 November) SN. Holidays of single municipalities (15 August in
//!   Bavaria's Catholic municipalities, Corpus Christi in parts of SN and TH, 8 August in
//!   Augsburg) are not counted: an organisation there adds them as closure days. Easter and
//!   Whit Sunday in BB fall on Sundays and change nothing. `DE` alone means the nationwide
//!   list.
//! - **FR**: Code du travail L3133-1: 1 January, Easter Monday, 1 May, 8 May, Ascension,
//!   Whit Monday (a fête légale even where worked as the journée de solidarité), 14 July,
//!   15 August, 1 November, 11 November, 25 December. Alsace-Moselle (`FR-AM`, L3134-13)
//!   adds Good Friday and 26 December; the overseas departments (L3422-2) their
//!   abolition-of-slavery day: FR-YT 27 April, FR-MQ 22 May, FR-GP and FR-MF 27 May, FR-GF
//!   10 June, FR-BL 9 October, FR-RE 20 December.
//!
//! Holidays that fall on a weekend are not moved to another day (no country above does so
//! for periods); weekends do not count as working days anyway.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, Weekday};

/// Where an organisation acts: a country, or a subdivision whose list differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Region {
    Nl,
    Be,
    /// Germany: `None` is the nationwide list, `Some` an ISO 3166-2 Land code (`"BY"`).
    De(Option<Land>),
    Fr(FrRegion),
}

/// The sixteen Länder, by their ISO 3166-2 codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Land {
    Bw,
    By,
    Be,
    Bb,
    Hb,
    Hh,
    He,
    Mv,
    Ni,
    Nw,
    Rp,
    Sl,
    Sn,
    St,
    Sh,
    Th,
}

/// France's regions with a list of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FrRegion {
    Metropolitan,
    AlsaceMoselle,
    Mayotte,
    Martinique,
    Guadeloupe,
    SaintMartin,
    Guyane,
    SaintBarthelemy,
    Reunion,
}

const LANDS: [(Land, &str); 16] = [
    (Land::Bw, "BW"),
    (Land::By, "BY"),
    (Land::Be, "BE"),
    (Land::Bb, "BB"),
    (Land::Hb, "HB"),
    (Land::Hh, "HH"),
    (Land::He, "HE"),
    (Land::Mv, "MV"),
    (Land::Ni, "NI"),
    (Land::Nw, "NW"),
    (Land::Rp, "RP"),
    (Land::Sl, "SL"),
    (Land::Sn, "SN"),
    (Land::St, "ST"),
    (Land::Sh, "SH"),
    (Land::Th, "TH"),
];

const FR_REGIONS: [(FrRegion, &str); 9] = [
    (FrRegion::Metropolitan, "FR"),
    (FrRegion::AlsaceMoselle, "FR-AM"),
    (FrRegion::Mayotte, "FR-YT"),
    (FrRegion::Martinique, "FR-MQ"),
    (FrRegion::Guadeloupe, "FR-GP"),
    (FrRegion::SaintMartin, "FR-MF"),
    (FrRegion::Guyane, "FR-GF"),
    (FrRegion::SaintBarthelemy, "FR-BL"),
    (FrRegion::Reunion, "FR-RE"),
];

impl Region {
    /// Every region code Pactum knows, for pick lists and error messages.
    pub fn all() -> Vec<Region> {
        let mut out = vec![Region::Nl, Region::Be, Region::De(None)];
        out.extend(LANDS.iter().map(|(l, _)| Region::De(Some(*l))));
        out.extend(FR_REGIONS.iter().map(|(r, _)| Region::Fr(*r)));
        out
    }

    /// The region an organisation in `country` (ISO 3166-1 alpha-2) uses unless it chooses
    /// a subdivision; `None` for a country without a holiday list here.
    pub fn of_country(country: &str) -> Option<Region> {
        match country.to_ascii_uppercase().as_str() {
            "NL" => Some(Region::Nl),
            "BE" => Some(Region::Be),
            "DE" => Some(Region::De(None)),
            "FR" => Some(Region::Fr(FrRegion::Metropolitan)),
            _ => None,
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Region::Nl => f.write_str("NL"),
            Region::Be => f.write_str("BE"),
            Region::De(None) => f.write_str("DE"),
            Region::De(Some(land)) => {
                let code = LANDS.iter().find(|(l, _)| l == land).map(|(_, c)| *c);
                write!(f, "DE-{}", code.unwrap_or_default())
            }
            Region::Fr(r) => {
                let code = FR_REGIONS.iter().find(|(x, _)| x == r).map(|(_, c)| *c);
                f.write_str(code.unwrap_or("FR"))
            }
        }
    }
}

/// A region code that is not one of [`Region::all`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRegion;

impl FromStr for Region {
    type Err = UnknownRegion;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_uppercase();
        Region::all()
            .into_iter()
            .find(|r| r.to_string() == s)
            .ok_or(UnknownRegion)
    }
}

impl Serialize for Region {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Region {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(|_| {
            serde::de::Error::custom(format!(
                "unknown holiday region {s:?}; known: NL, BE, DE, DE-BY (a Land), FR, FR-AM ..."
            ))
        })
    }
}

/// A public holiday: its date and a stable key (`easter_monday`) to name it in any language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Holiday {
    pub date: Date,
    pub key: &'static str,
}

/// Western (Gregorian) Easter Sunday: the anonymous Gregorian algorithm (Meeus/Jones/Butcher),
/// valid for every Gregorian year.
pub fn easter(year: i32) -> Date {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    let month = if month == 3 {
        Month::March
    } else {
        Month::April
    };
    // Always March 22 .. April 25, so the date exists.
    Date::from_calendar_date(year, month, day as u8).unwrap_or(Date::MIN)
}

fn fixed(year: i32, month: Month, day: u8, key: &'static str) -> Option<Holiday> {
    Date::from_calendar_date(year, month, day)
        .ok()
        .map(|date| Holiday { date, key })
}

fn from_easter(year: i32, days: i64, key: &'static str) -> Option<Holiday> {
    easter(year)
        .checked_add(Duration::days(days))
        .map(|date| Holiday { date, key })
}

/// The public holidays of `region` in `year`, in date order.
pub fn holidays(region: Region, year: i32) -> Vec<Holiday> {
    use Month::*;
    let mut out: Vec<Option<Holiday>> = Vec::new();
    let new_year = fixed(year, January, 1, "new_year");
    let good_friday = from_easter(year, -2, "good_friday");
    let easter_monday = from_easter(year, 1, "easter_monday");
    let ascension = from_easter(year, 39, "ascension");
    let whit_monday = from_easter(year, 50, "whit_monday");
    let christmas = fixed(year, December, 25, "christmas");
    match region {
        Region::Nl => {
            // Koningsdag moves to the Saturday before when 27 April is a Sunday.
            let kings_day = fixed(year, April, 27, "kings_day").map(|h| {
                if h.date.weekday() == Weekday::Sunday {
                    Holiday {
                        date: h.date.previous_day().unwrap_or(h.date),
                        ..h
                    }
                } else {
                    h
                }
            });
            out.extend([
                new_year,
                good_friday,
                easter_monday,
                kings_day,
                fixed(year, May, 5, "liberation_day"),
                ascension,
                whit_monday,
                christmas,
                fixed(year, December, 26, "boxing_day"),
            ]);
        }
        Region::Be => out.extend([
            new_year,
            easter_monday,
            fixed(year, May, 1, "labour_day"),
            ascension,
            whit_monday,
            fixed(year, July, 21, "be_national_day"),
            fixed(year, August, 15, "assumption"),
            fixed(year, November, 1, "all_saints"),
            fixed(year, November, 11, "armistice"),
            christmas,
        ]),
        Region::De(land) => {
            out.extend([
                new_year,
                good_friday,
                easter_monday,
                fixed(year, May, 1, "labour_day"),
                ascension,
                whit_monday,
                fixed(year, October, 3, "german_unity"),
                christmas,
                fixed(year, December, 26, "boxing_day"),
            ]);
            if let Some(land) = land {
                out.extend(land_holidays(land, year));
            }
        }
        Region::Fr(r) => {
            out.extend([
                new_year,
                easter_monday,
                fixed(year, May, 1, "labour_day"),
                fixed(year, May, 8, "victory_day"),
                ascension,
                whit_monday,
                fixed(year, July, 14, "bastille_day"),
                fixed(year, August, 15, "assumption"),
                fixed(year, November, 1, "all_saints"),
                fixed(year, November, 11, "armistice"),
                christmas,
            ]);
            let abolition = |m, d| fixed(year, m, d, "abolition_of_slavery");
            out.extend(match r {
                FrRegion::Metropolitan => vec![],
                FrRegion::AlsaceMoselle => {
                    vec![good_friday, fixed(year, December, 26, "boxing_day")]
                }
                FrRegion::Mayotte => vec![abolition(April, 27)],
                FrRegion::Martinique => vec![abolition(May, 22)],
                FrRegion::Guadeloupe | FrRegion::SaintMartin => vec![abolition(May, 27)],
                FrRegion::Guyane => vec![abolition(June, 10)],
                FrRegion::SaintBarthelemy => vec![abolition(October, 9)],
                FrRegion::Reunion => vec![abolition(December, 20)],
            });
        }
    }
    let mut days: Vec<Holiday> = out.into_iter().flatten().collect();
    days.sort();
    days.dedup_by_key(|h| h.date);
    days
}

fn land_holidays(land: Land, year: i32) -> Vec<Option<Holiday>> {
    use Land::*;
    use Month::*;
    let mut out = Vec::new();
    if matches!(land, Bw | By | St) {
        out.push(fixed(year, January, 6, "epiphany"));
    }
    if (land == Be && year >= 2019) || (land == Mv && year >= 2023) {
        out.push(fixed(year, March, 8, "womens_day"));
    }
    if matches!(land, Bw | By | He | Nw | Rp | Sl) {
        out.push(from_easter(year, 60, "corpus_christi"));
    }
    if land == Sl {
        out.push(fixed(year, August, 15, "assumption"));
    }
    if land == Th && year >= 2019 {
        out.push(fixed(year, September, 20, "childrens_day"));
    }
    let reformation_since = match land {
        Bb | Mv | Sn | St | Th => Some(1991),
        Hb | Hh | Ni | Sh => Some(2018),
        _ => None,
    };
    if reformation_since.is_some_and(|since| year >= since) {
        out.push(fixed(year, October, 31, "reformation_day"));
    }
    if matches!(land, Bw | By | Nw | Rp | Sl) {
        out.push(fixed(year, November, 1, "all_saints"));
    }
    if land == Sn {
        // The Wednesday before 23 November: between 16 and 22 November.
        out.push(fixed(year, November, 22, "repentance_day").map(|h| {
            let back = (h.date.weekday().number_days_from_monday() as i64 + 7 - 2) % 7;
            Holiday {
                date: h.date - Duration::days(back),
                ..h
            }
        }));
    }
    out
}

/// The days on which an organisation's periods do not end: its region's public holidays,
/// plus closure days it set itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// `None`: a country without a holiday list here; only weekends and closures count.
    pub region: Option<Region>,
    pub closures: BTreeSet<Date>,
}

impl Calendar {
    pub fn new(region: Region) -> Self {
        Calendar {
            region: Some(region),
            closures: BTreeSet::new(),
        }
    }

    /// Why `date` is not a working day, or `None` when it is one (1182/71 Art. 2(2): days
    /// other than public holidays, Sundays and Saturdays).
    pub fn closed(&self, date: Date) -> Option<Closed> {
        match date.weekday() {
            Weekday::Saturday => return Some(Closed::Saturday),
            Weekday::Sunday => return Some(Closed::Sunday),
            _ => {}
        }
        if let Some(h) = self.region.and_then(|r| {
            holidays(r, date.year())
                .into_iter()
                .find(|h| h.date == date)
        }) {
            return Some(Closed::Holiday(h.key));
        }
        self.closures.contains(&date).then_some(Closed::Closure)
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        self.closed(date).is_none()
    }
}

/// Why a day is not a working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "holiday", rename_all = "snake_case")]
pub enum Closed {
    Saturday,
    Sunday,
    /// A public holiday, by key (`easter_monday`).
    Holiday(&'static str),
    /// A closure day the organisation set.
    Closure,
}

#[cfg(test)]
#[path = "holidays_tests.rs"]
mod tests;
