use super::*;
use time::macros::date;

#[test]
fn easter_matches_published_tables() {
    // Dates from the tables of the Gregorian computus (and the reference note's 2025-2027).
    for (year, expected) in [
        (1818, date!(1818 - 03 - 22)), // earliest possible
        (1943, date!(1943 - 04 - 25)), // latest possible
        (2000, date!(2000 - 04 - 23)),
        (2008, date!(2008 - 03 - 23)),
        (2019, date!(2019 - 04 - 21)),
        (2024, date!(2024 - 03 - 31)),
        (2025, date!(2025 - 04 - 20)),
        (2026, date!(2026 - 04 - 05)),
        (2027, date!(2027 - 03 - 28)),
        (2038, date!(2038 - 04 - 25)),
        (2285, date!(2285 - 03 - 22)),
    ] {
        assert_eq!(easter(year), expected, "{year}");
    }
}

fn keys(region: &str, year: i32) -> Vec<(Date, &'static str)> {
    holidays(region.parse().unwrap(), year)
        .into_iter()
        .map(|h| (h.date, h.key))
        .collect()
}

#[test]
fn netherlands_2026() {
    assert_eq!(
        keys("NL", 2026),
        [
            (date!(2026 - 01 - 01), "new_year"),
            (date!(2026 - 04 - 03), "good_friday"),
            (date!(2026 - 04 - 06), "easter_monday"),
            (date!(2026 - 04 - 27), "kings_day"),
            (date!(2026 - 05 - 05), "liberation_day"),
            (date!(2026 - 05 - 14), "ascension"),
            (date!(2026 - 05 - 25), "whit_monday"),
            (date!(2026 - 12 - 25), "christmas"),
            (date!(2026 - 12 - 26), "boxing_day"),
        ]
    );
}

#[test]
fn kings_day_moves_to_saturday_when_27_april_is_a_sunday() {
    let nl = |y| {
        keys("NL", y)
            .into_iter()
            .find(|(_, k)| *k == "kings_day")
            .unwrap()
            .0
    };
    assert_eq!(nl(2025), date!(2025 - 04 - 26));
    assert_eq!(nl(2031), date!(2031 - 04 - 26));
    assert_eq!(nl(2027), date!(2027 - 04 - 27));
}

#[test]
fn belgium_2027() {
    assert_eq!(
        keys("BE", 2027),
        [
            (date!(2027 - 01 - 01), "new_year"),
            (date!(2027 - 03 - 29), "easter_monday"),
            (date!(2027 - 05 - 01), "labour_day"),
            (date!(2027 - 05 - 06), "ascension"),
            (date!(2027 - 05 - 17), "whit_monday"),
            (date!(2027 - 07 - 21), "be_national_day"),
            (date!(2027 - 08 - 15), "assumption"),
            (date!(2027 - 11 - 01), "all_saints"),
            (date!(2027 - 11 - 11), "armistice"),
            (date!(2027 - 12 - 25), "christmas"),
        ]
    );
}

#[test]
fn germany_nationwide_and_per_land() {
    let de = keys("DE", 2025);
    assert_eq!(de.len(), 9);
    assert!(de.contains(&(date!(2025 - 10 - 03), "german_unity")));
    assert!(de.contains(&(date!(2025 - 04 - 18), "good_friday")));
    assert!(!de.iter().any(|(_, k)| *k == "corpus_christi"));

    let by = keys("DE-BY", 2025);
    assert!(by.contains(&(date!(2025 - 01 - 06), "epiphany")));
    assert!(by.contains(&(date!(2025 - 06 - 19), "corpus_christi")));
    assert!(by.contains(&(date!(2025 - 11 - 01), "all_saints")));
    assert!(
        !by.iter().any(|(_, k)| *k == "assumption"),
        "15 August only in some municipalities"
    );
    assert!(keys("DE-SL", 2025).contains(&(date!(2025 - 08 - 15), "assumption")));

    // Buß- und Bettag, Saxony only: the Wednesday before 23 November.
    for (year, day) in [
        (2025, date!(2025 - 11 - 19)),
        (2026, date!(2026 - 11 - 18)),
        (2027, date!(2027 - 11 - 17)),
        (2022, date!(2022 - 11 - 16)), // 23 November 2022 was a Wednesday
    ] {
        assert!(
            keys("DE-SN", year).contains(&(day, "repentance_day")),
            "{year}"
        );
    }
    assert!(
        !keys("DE-BE", 2025)
            .iter()
            .any(|(_, k)| *k == "repentance_day")
    );

    // Holidays introduced later count only from their first year.
    assert!(keys("DE-BE", 2019).contains(&(date!(2019 - 03 - 08), "womens_day")));
    assert!(!keys("DE-BE", 2018).iter().any(|(_, k)| *k == "womens_day"));
    assert!(!keys("DE-MV", 2022).iter().any(|(_, k)| *k == "womens_day"));
    assert!(keys("DE-MV", 2023).iter().any(|(_, k)| *k == "womens_day"));
    assert!(
        keys("DE-NI", 2018)
            .iter()
            .any(|(_, k)| *k == "reformation_day")
    );
    assert!(
        !keys("DE-NI", 2017)
            .iter()
            .any(|(_, k)| *k == "reformation_day")
    );
    assert!(
        keys("DE-TH", 2019)
            .iter()
            .any(|(_, k)| *k == "childrens_day")
    );
}

#[test]
fn france_and_its_regions() {
    let fr = keys("FR", 2026);
    assert_eq!(fr.len(), 11);
    assert!(fr.contains(&(date!(2026 - 05 - 08), "victory_day")));
    assert!(fr.contains(&(date!(2026 - 05 - 25), "whit_monday")));
    assert!(!fr.iter().any(|(_, k)| *k == "good_friday"));
    let am = keys("FR-AM", 2026);
    assert_eq!(am.len(), 13);
    assert!(am.contains(&(date!(2026 - 04 - 03), "good_friday")));
    assert!(am.contains(&(date!(2026 - 12 - 26), "boxing_day")));
    assert!(keys("FR-RE", 2026).contains(&(date!(2026 - 12 - 20), "abolition_of_slavery")));
    assert!(keys("FR-MQ", 2026).contains(&(date!(2026 - 05 - 22), "abolition_of_slavery")));
}

#[test]
fn region_codes_round_trip_and_unknown_ones_are_refused() {
    for r in Region::all() {
        assert_eq!(r.to_string().parse::<Region>(), Ok(r));
    }
    assert_eq!("de-by".parse::<Region>(), Ok(Region::De(Some(Land::By))));
    assert_eq!("XX".parse::<Region>(), Err(UnknownRegion));
    assert_eq!("DE-XX".parse::<Region>(), Err(UnknownRegion));
    assert_eq!(Region::of_country("nl"), Some(Region::Nl));
    assert_eq!(Region::of_country("US"), None);
}

#[test]
fn calendar_names_why_a_day_is_closed() {
    let mut cal = Calendar::new(Region::Nl);
    cal.closures.insert(date!(2026 - 05 - 15)); // the Friday after Ascension
    assert_eq!(
        cal.closed(date!(2026 - 05 - 14)),
        Some(Closed::Holiday("ascension"))
    );
    assert_eq!(cal.closed(date!(2026 - 05 - 15)), Some(Closed::Closure));
    assert_eq!(cal.closed(date!(2026 - 05 - 16)), Some(Closed::Saturday));
    assert_eq!(cal.closed(date!(2026 - 05 - 17)), Some(Closed::Sunday));
    assert!(cal.is_working_day(date!(2026 - 05 - 18)));
    // A holiday on a weekend is still a weekend day, nothing moves to the Monday.
    assert_eq!(cal.closed(date!(2027 - 12 - 26)), Some(Closed::Sunday));
    assert!(cal.is_working_day(date!(2027 - 12 - 27)));
}
