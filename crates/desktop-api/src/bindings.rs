//! The TypeScript declarations of every type the desktop's commands take or
//! return, written to `ui/src/bindings.ts` and checked to be current.

use ts_rs::TS;

/// The declarations, in the order the UI's `bindings.ts` lists them.
pub fn typescript() -> String {
    let cfg = ts_rs::Config::new();
    let mut out = String::from(
        "// Generated from the Rust types in crates/desktop-api by the test\n\
         // `bindings_are_current`; do not edit. To regenerate:\n\
         //   UW_UPDATE_BINDINGS=1 cargo test -p uw-desktop-api bindings_are_current\n",
    );
    macro_rules! decls {
        ($($t:ty),* $(,)?) => { [$((<$t>::docs(), <$t>::decl(&cfg))),*] };
    }
    use uw_workstation::rates::{DraftCheck, EditorPack, ImpactSummary};
    use uw_workstation::rating::pack::edit::{DraftEdits, PackDiff};
    use uw_workstation::rating::pack::jurisdiction::ElectionKind;
    use uw_workstation::rating::quote as q;
    use uw_workstation::{
        AuditEvent, BookStats, Contact, CoverageOption, Dashboard, DraftSummary, DriverLicense, ElectionOption, PackSummary, PlanOption,
        PolicySummary, QuoteCursor, QuoteDetail, QuoteDraft, QuoteFilter, QuoteInput, QuoteOptions, QuoteStatus, QuoteSummary, RatingInfo,
        Recommendation, StoredRateDraft, SyncProgress, VersionInfo, VinInfo, WeekStats, ZipInfo,
    };

    use crate::console::{
        AuditEntryPageView, AuditEntryView, AuditKeysView, AuditVerdictView, CustomerErasureView, CustomerView, DeviceView, ExportFileView,
        IdentityProviderInput, IdentityProviderView, PackKeyView, PendingKeyView, ProviderCheckView, RecoveryCodesView,
        RetentionReportView, RetentionRuleView, RoleRuleView, SavedExportView, SecondFactorPolicyView, SessionView, SignInProviderView,
        SubjectRequestView, ThrottleView, TotpSetupView, UserView,
    };
    use crate::desk::{PolicyReferralView, ReferralDecidedView, ReferralView};
    use crate::policies::{PolicyChangePreviewView, PolicyChangeView, PolicyEventView, PolicyView};
    use crate::quotes::{
        CoverageView, DraftView, DriverAssignmentView, FeeView, InstallmentsView, PaymentView, QuoteDetailView, QuoteView, RatingView,
        ReasonView, RiskReasonView, RiskView, SavedDocumentView, SavedQuoteView, WorksheetLineView,
    };
    use crate::rates::{
        ApprovalKeyView, BookChoice, BookFileView, ImpactProgress, ImpactView, IncreaseWorksheets, ReviewDecisionView, ReviewView,
    };
    use crate::sync::{BackgroundSyncEvent, EnrollmentStatus, EnrollmentView, RenumberedQuote, SetupView, SyncIssueView, SyncResultView};
    use crate::{CommandError, FieldError};
    use uw_workstation::accounts::{CustomerHit, CustomerNote, CustomerRecord, PolicyHit, SearchResults, VehicleHit};
    use uw_workstation::notifications::{Notification, NotificationKind, Notifications};
    let decls = decls![
        CommandError,
        FieldError,
        WorksheetLineView,
        CoverageView,
        FeeView,
        QuoteView,
        EnrollmentView,
        EnrollmentStatus,
        SyncResultView,
        RenumberedQuote,
        SyncIssueView,
        BackgroundSyncEvent,
        // Accounts and search.
        SearchResults,
        CustomerHit,
        PolicyHit,
        VehicleHit,
        CustomerRecord,
        CustomerNote,
        AuditEvent,
        // What sync brought.
        NotificationKind,
        Notification,
        Notifications,
        // The quote as the wizard enters it: the engine's own types.
        q::Product,
        q::Quote,
        q::Applicant,
        q::Address,
        q::Driver,
        q::ViolationKind,
        q::Violation,
        q::Accident,
        q::VehicleUse,
        q::Vehicle,
        q::Construction,
        q::RoofType,
        q::Dwelling,
        q::CoverageChoice,
        q::Claim,
        q::Election,
        q::ElectionDecision,
        q::WindMitigation,
        q::RoofShape,
        q::RoofDeck,
        q::RoofToWall,
        q::OpeningProtection,
        q::WildfireMitigation,
        q::WildfireCommunity,
        q::WildfireMeasure,
        q::PriorInsurance,
        q::PaymentMethod,
        QuoteInput,
        Contact,
        DriverLicense,
        // Quotes as the store reports them.
        QuoteStatus,
        QuoteSummary,
        QuoteCursor,
        QuoteFilter,
        RatingInfo,
        VersionInfo,
        QuoteDetail,
        QuoteDraft,
        DraftSummary,
        DraftView,
        // The wizard's helpers and the dashboard.
        QuoteOptions,
        CoverageOption,
        ElectionOption,
        ElectionKind,
        Recommendation,
        PlanOption,
        VinInfo,
        ZipInfo,
        PolicySummary,
        PackSummary,
        Dashboard,
        BookStats,
        WeekStats,
        // Ratings and saved quotes.
        RatingView,
        InstallmentsView,
        PaymentView,
        ReasonView,
        RiskView,
        RiskReasonView,
        DriverAssignmentView,
        SavedQuoteView,
        QuoteDetailView,
        SavedDocumentView,
        PolicyView,
        PolicyEventView,
        PolicyChangeView,
        PolicyChangePreviewView,
        uw_workstation::PolicyDocument,
        uw_workstation::policies::PolicyChangeRequest,
        uw_workstation::policies::Policy,
        uw_workstation::policies::PolicyStatus,
        uw_workstation::policies::Worksheet,
        uw_workstation::policies::WorksheetLine,
        uw_workstation::policies::TransactionKind,
        uw_workstation::policies::Term,
        uw_workstation::policies::Charge,
        uw_workstation::policies::Cancellation,
        uw_workstation::policies::CancelMethod,
        uw_workstation::policies::NonRenewal,
        uw_workstation::policies::RenewalOffer,
        uw_workstation::policies::CancelReason,
        uw_workstation::rating::Refunds,
        uw_workstation::rating::RefundMethod,
        uw_workstation::policies::NonRenewalReason,
        ReferralView,
        ReferralDecidedView,
        // Sync progress, first launch, and the server consoles.
        SyncProgress,
        SetupView,
        SessionView,
        TotpSetupView,
        RecoveryCodesView,
        SignInProviderView,
        RoleRuleView,
        IdentityProviderView,
        IdentityProviderInput,
        ProviderCheckView,
        SecondFactorPolicyView,
        CustomerView,
        CustomerErasureView,
        SubjectRequestView,
        RetentionRuleView,
        RetentionReportView,
        UserView,
        DeviceView,
        PendingKeyView,
        PolicyReferralView,
        ThrottleView,
        PackKeyView,
        AuditKeysView,
        SavedExportView,
        ExportFileView,
        AuditVerdictView,
        AuditEntryView,
        AuditEntryPageView,
        // Rate management: the editor, impact analysis and approvals.
        uw_workstation::rating::pack::edit::FieldKind,
        uw_workstation::rating::pack::edit::ManifestField,
        uw_workstation::rating::pack::edit::TableGrid,
        DraftEdits,
        EditorPack,
        uw_workstation::rating::pack::edit::Problem,
        PackDiff,
        uw_workstation::rating::pack::edit::FieldChange,
        uw_workstation::rating::pack::edit::TableDiff,
        uw_workstation::rating::pack::edit::CellChange,
        uw_workstation::rating::pack::edit::RowChange,
        uw_workstation::rating::pack::edit::LineChange,
        DraftCheck,
        StoredRateDraft,
        uw_workstation::rating::impact::ImpactFailure,
        uw_workstation::rating::impact::ImpactGroup,
        uw_workstation::rates::IncreaseSummary,
        ImpactSummary,
        uw_workstation::update::AppUpdate,
        crate::console::DesktopVersionsView,
        crate::console::DesktopReleaseView,
        IncreaseWorksheets,
        ImpactView,
        ImpactProgress,
        BookChoice,
        BookFileView,
        ApprovalKeyView,
        ReviewView,
        ReviewDecisionView,
    ];
    for (docs, decl) in decls {
        out.push('\n');
        if let Some(docs) = docs {
            out.push_str(&docs);
        }
        out.push_str("export ");
        out.push_str(&decl);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::typescript;

    /// The UI's `src/bindings.ts` is what the Rust types generate: a type
    /// changed on one side only fails here, not at run time.
    #[test]
    fn bindings_are_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings.ts");
        let generated = typescript();
        if std::env::var_os("UW_UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).expect("write ui/src/bindings.ts");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{} is not what the Rust types generate; run `UW_UPDATE_BINDINGS=1 cargo test -p uw-desktop-api bindings_are_current` and commit it",
            path.display()
        );
    }
}
