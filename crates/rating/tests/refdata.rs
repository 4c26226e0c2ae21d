//! VIN decoding against the official samples of 49 CFR 565, and the ZIP table.

use uw_rating::refdata::{vin, zip};

#[test]
fn official_vin_samples() {
    assert_eq!(vin::check_digit("1G4AH59H?5G118341"), None, "a placeholder is not a character");
    assert_eq!(vin::check_digit("1G4AH59H05G118341"), Some('4'), "position 9 does not count (weight 0)");
    let decoded = vin::decode("1G4AH59H45G118341").expect("valid with its check digit");
    assert_eq!((decoded.wmi.as_str(), decoded.model_years.as_slice()), ("1G4", &[2005][..]));
    assert_eq!(decoded.manufacturer, Some("Buick"));
    let decoded = vin::decode("1J9RP1A36A1644345").expect("the regulation's valid sample");
    assert_eq!(decoded.model_years, vec![2010], "a letter in position 7 selects the 2010-2039 cycle");
}

#[test]
fn bad_vins_say_why() {
    let cases = [
        ("1G4AH59H45G11834", "has 16 characters; a VIN has 17"),
        ("1G4AH59H45G1183I1", "contains `I` at position 16"),
        ("1g4AH59H45G118341", "contains `g` at position 2"),
        ("1G4AH59H55G118341", "has check digit `5` but its characters give `4`"),
    ];
    for (v, message) in cases {
        let err = vin::decode(v).expect_err(v);
        assert!(err.to_string().contains(message), "{v}: `{err}` should contain `{message}`");
    }
    // Position 10 never uses U, Z or 0; compute a matching check digit so only the year is wrong.
    let body = "1G4AH59H0UG118341";
    let fixed: String = body.chars().enumerate().map(|(i, c)| if i == 8 { vin::check_digit(body).unwrap_or('0') } else { c }).collect();
    let err = vin::decode(&fixed).expect_err("U is no model year");
    assert!(err.to_string().contains("model-year code `U`"), "{err}");
}

#[test]
fn every_check_digit_remainder_round_trips() {
    // Vary positions 16 and 17 so the remainder takes every value, X included.
    let mut seen = std::collections::BTreeSet::new();
    let alphabet = "0123456789ABCDEFGHJKLMNPRSTVWXYZ";
    for (a, b) in alphabet.chars().flat_map(|a| alphabet.chars().map(move |b| (a, b))) {
        let body = format!("1FAFP4041WF1892{a}{b}");
        let digit = vin::check_digit(&body).expect("valid characters");
        let vin_text: String = body.chars().enumerate().map(|(i, c)| if i == 8 { digit } else { c }).collect();
        vin::decode(&vin_text).unwrap_or_else(|e| panic!("{vin_text}: {e}"));
        seen.insert(digit);
    }
    assert_eq!(seen.len(), 11, "all eleven check digits 0-9 and X: {seen:?}");
}

#[test]
fn zip_codes_map_to_state_and_county() {
    let cases = [
        ("94110", "CA", "San Francisco County"),
        ("10001", "NY", "New York County"),
        ("60601", "IL", "Cook County"),
        ("33101", "FL", "Miami-Dade County"),
        ("75201", "TX", "Dallas County"),
    ];
    for (z, state, county) in cases {
        let place = zip::lookup(z).unwrap_or_else(|e| panic!("{z}: {e}"));
        assert_eq!((place.state, place.county), (state, county), "{z}");
    }
    assert_eq!(zip::lookup("00000").expect_err("no such ZIP").to_string(), "ZIP 00000 is not an active US ZIP code");
    assert_eq!(zip::lookup("9411").expect_err("short").to_string(), "`9411` is not a five-digit ZIP code");
    assert_eq!(zip::lookup("9411a").expect_err("letter").to_string(), "`9411a` is not a five-digit ZIP code");
}

#[test]
fn the_bundled_table_covers_the_five_states() {
    let counts: Vec<usize> = ["CA", "NY", "TX", "FL", "IL"].iter().map(|s| zip::zips_in_state(s).len()).collect();
    assert_eq!(counts, vec![2588, 2151, 2599, 1464, 1568]);
    assert!(zip::zips_in_state("CA").iter().all(|z| zip::lookup(z).is_ok_and(|p| p.state == "CA")));
}
