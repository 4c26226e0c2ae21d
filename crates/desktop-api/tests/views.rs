//! The views the desktop's commands return, converted from workstation
//! results without a webview.

use rust_decimal::Decimal;
use uw_desktop_api::quotes::risk_view;
use uw_desktop_api::sync::EnrollmentView;
use uw_workstation::rating::{Contribution, RiskScore, RiskUsage, Value, Variable};
use uw_workstation::{EnrollmentInfo, QuoteNumber, QuoteNumberBlock, Role, UserInfo};

fn dec(text: &str) -> Decimal {
    text.parse().expect("decimal")
}

fn contribution(variable: Variable, contribution: &str) -> Contribution {
    Contribution {
        variable,
        level: None,
        value: Value::Integer(1),
        base: Decimal::ZERO,
        coefficient: Decimal::ONE,
        contribution: dec(contribution),
    }
}

#[test]
fn the_risk_view_lists_the_three_largest_raises_only() {
    let risk = RiskScore {
        unit: "vehicle 1".into(),
        frequency: dec("0.123456"),
        relativity: dec("1.23456"),
        capped_relativity: dec("1.2"),
        usage: RiskUsage::Inform,
        applied: false,
        intercept: Decimal::ZERO,
        contributions: vec![
            contribution(Variable::DriverAge, "-0.5"),
            contribution(Variable::VehicleAge, "0.1"),
            contribution(Variable::DriverAge, "0.3"),
            contribution(Variable::VehicleAge, "0"),
            contribution(Variable::DriverAge, "0.2"),
            contribution(Variable::VehicleAge, "0.05"),
        ],
    };
    let view = risk_view(&risk);
    let top: Vec<&str> = view.top_reasons.iter().map(|r| r.contribution.as_str()).collect();
    assert_eq!(top, ["0.3", "0.2", "0.1"], "largest first; no lowering or zero contribution");
    assert_eq!((view.frequency.as_str(), view.relativity.as_str()), ("0.1235", "1.235"));
    // Nothing raised it: no reasons at all.
    let calm = RiskScore { contributions: vec![contribution(Variable::DriverAge, "-0.1")], ..risk };
    assert!(risk_view(&calm).top_reasons.is_empty());
}

fn enrollment(device_number: Option<u32>, quote_numbers: Option<QuoteNumberBlock>, next: Option<QuoteNumber>) -> EnrollmentInfo {
    EnrollmentInfo {
        server_url: "https://uw.example".into(),
        server_instance_id: "i".into(),
        device_id: "d".into(),
        device_name: "Laptop".into(),
        user: UserInfo { user_id: "u".into(), username: "maria".into(), role: Role::Agent },
        token_expires_at: "2027-01-01T00:00:00Z".into(),
        device_number,
        quote_numbers,
        next_quote_number: next,
        enrolled_at: "2026-12-01T00:00:00Z".into(),
        organisation: Some("Prairie Mutual Insurance Company".into()),
    }
}

#[test]
fn the_enrollment_view_says_which_quote_numbers_the_device_hands_out() {
    let own = EnrollmentView::try_from(enrollment(Some(42), None, Some(QuoteNumber::for_device(2026, 42, 7).expect("number"))))
        .expect("own series");
    assert_eq!(own.quote_numbers, "QUOT-2026-00042-NNNNN, this device's own");
    assert_eq!(own.next_quote_number.as_deref(), Some("QUOT-2026-00042-00007"));
    assert_eq!(own.role, "agent");
    let block =
        EnrollmentView::try_from(enrollment(None, Some(QuoteNumberBlock { year: 2026, first: 1, last: 500 }), None)).expect("block");
    assert_eq!(block.quote_numbers, "QUOT-2026-000001 to QUOT-2026-000500");
    assert_eq!(block.next_quote_number, None, "a used-up block");
}
