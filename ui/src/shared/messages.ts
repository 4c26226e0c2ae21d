// One sentence for each error code, in the user's words: what happened and
// what to do next. The desktop's own codes (CommandError.code), the policy
// lifecycle's, and the sync server's (CommandError.serverCode) share this one
// map; describeError (./language.ts) looks the server's code up first. The
// codes, the server's code and the raw text stay in the error's Details.
//
// Kept to one entry per line (or per wrapped value), each key a double-quoted
// code at the start of its entry: a Rust test parses this file to check every
// code the workstation and the server can answer has a sentence here
// (ui/.prettierrc keeps every key quoted, `"internal"` too).
export const MESSAGES: Record<string, string> = {
  // The desktop's own codes.
  "audit.file":
    "The audit export file could not be read. Check that the file is still in its folder and that you can open it, then try again.",
  "auth.forbidden": "Your role does not allow this. Ask an administrator if you need to do it.",
  "config.invalid":
    "The workstation's settings could not be read. Ask your administrator to check the app's configuration, then start the app again.",
  "document.failed": "The document could not be produced. Try again; if it keeps failing, send the Details to your support contact.",
  "document.write":
    "The document could not be saved to your documents folder. Check that the folder exists and has free space, then try again.",
  "draft.not_found":
    "This draft is no longer on this workstation. It may have been saved as a quote or discarded; start a new quote if needed.",
  "impact.book_file":
    "The book of policies could not be read. Check that the file is still there and that you can open it, then choose it again.",
  "impact.book_invalid":
    "The book of policies is not in a form the app can read. Export the book again from the policy system, then choose the new file.",
  "impact.cancelled": "The impact run was stopped before it finished. Run it again when you are ready.",
  "impact.different_lines":
    "The book and the draft are for different lines of business. Choose a book for the same state and product as the draft.",
  "input.invalid": "Some of what was entered could not be accepted. Correct it, then try again.",
  "ipc.failed": "The app could not complete this request. Try again; if it keeps happening, restart the app.",
  "key.invalid":
    "This key is not valid. For the key to your local data, restore it from your key recovery copy; for an approval key, check the key entered.",
  "key.keychain_unavailable":
    "The system keychain is locked or unavailable, so your local data cannot be opened. Unlock the keychain (sign in to your computer again), then restart the app.",
  "key.missing":
    "The key that opens your local data is missing from this computer. Restore it from your key recovery copy, or ask your administrator.",
  "key.recovery": "The key recovery copy could not be written. Check the folder you chose and its free space, then try again.",
  "pack.approval_key_unregistered":
    "Your approval key is not registered with the server yet. Ask an administrator to approve it on the Admin screen, sync, then approve again.",
  "pack.draft_not_found": "This rate draft is no longer available. It may have been discarded or decided; refresh the list of drafts.",
  "pack.four_eyes": "You wrote this rate draft, so another underwriter must approve or reject it.",
  "pack.invalid":
    "The rate pack has a problem and cannot be used. Correct the value shown in the editor, or ask the person who prepared the pack.",
  "pack.no_approval_key":
    "You have no approval key on this workstation yet: create one under Approval key, have an administrator register it, then approve.",
  "pack.same_day":
    "These rates would take effect on the same day as rates already in force. Choose a later effective date for the new rates.",
  "policy.needs_sync": "The server has a newer version of this policy. Sync now, then make the change again.",
  "policy.no_notice": "This policy has not been canceled or non-renewed, so there is no notice to print.",
  "policy.not_found": "This policy could not be found. Sync to receive it, then open it again.",
  "quote.expired": "This quote has expired. Re-rate it with the rates in force to get a current price.",
  "quote.not_found": "This quote could not be found. It may belong to another workstation; search for it again or sync.",
  "customer.not_found": "This customer could not be found on this workstation. Search for them again.",
  "document.not_saved_here": "Only documents this workstation saved in its documents folder can be opened here.",
  "document.missing": "The document is no longer in the documents folder. Save it again.",
  "document.open_failed": "This computer has no program to open the document. Open the documents folder and open it from there.",
  "document.print_failed":
    "The document could not be sent to a printer. Check that a printer is set up, or open the document and print it from the viewer.",
  "organisation.invalid": "Some of the insurer's details are not valid. Correct them as the details say and save again.",
  "organisation.unknown":
    "This workstation does not yet know the insurer's name, which ID cards must show. Sync it with your organization's server, then print again.",
  "quote.not_rated": "This version of the quote has not been priced yet. Open it in the quote wizard and price it first.",
  "quote.stale": "This quote was changed since you opened it. Open it again to see the latest version, then repeat your change.",
  "quote.status": "This quote is not at a stage where that can be done. Check its status; a bound or expired quote may need a new version.",
  "quote.unsigned":
    "This quote cannot be bound until the insured signs the coverage forms the state requires. Record the signed forms on the coverages step, then request the bind.",
  "rating.draft_pack":
    "These rates are an unapproved draft, so the price is a preview only. Wait for the rates to be approved before saving.",
  "rating.failed":
    "The quote could not be priced with the rates in force. Check the details entered; if they are right, contact underwriting.",
  "rating.no_pack":
    "No rates are available for this state, product and date yet. Check the state and effective date, or ask underwriting when rates will be available.",
  "rating.not_reproducible":
    "This quote no longer prices the same way it did when it was saved. Do not bind it; report it to your support contact with the Details.",
  "rating.pack_not_installed":
    "The rates this quote was priced with are not on this workstation. Sync to receive them, or re-rate the quote.",
  "store.corrupt": "Your local data is damaged and cannot be opened. Ask your administrator to restore it from a backup.",
  "store.data_dir":
    "The app could not create its data folder. Check that you may write to it and that the disk has free space, then restart the app.",
  "store.failed": "Your local data could not be read or saved. Try again; if it keeps happening, restart the app.",
  "store.too_new": "Your local data was written by a newer version of the app. Install the latest version, then open the app again.",
  "store.wrong_key":
    "Your local data cannot be opened with the key on this computer. Restore the right key from your key recovery copy, or ask your administrator.",
  "sync.device_revoked": "This device is no longer allowed to sync. Ask an administrator, then enroll the device again.",
  "sync.not_enrolled": "This workstation is not enrolled with your organization's server. Enroll it on the Sync screen first.",
  "sync.not_signed_in": "You are not signed in to the server. Sign in, then try again.",
  "sync.protocol":
    "The server's answer could not be understood, so nothing from it was applied. Try again later; if it keeps happening, tell your support contact.",
  "sync.rate_limited": "There have been too many attempts. Wait a few minutes, then try again.",
  "sync.refused": "The server turned this request down. Open Details to see its reason, or ask your administrator.",
  "sync.sequence_gap":
    "The server and this workstation disagree about which changes were already sent; your changes are kept. Ask an administrator before syncing again.",
  "sync.server": "The server had a problem and could not finish. Try again in a few minutes.",
  "sync.unauthorized": "The server did not accept your sign-in. Check your username and password, then try again.",
  "sync.unreachable": "The server cannot be reached. Check your network connection and the server address, then try again.",
  "sync.untrusted_server":
    "The server could not prove it is your organization's server, so nothing was sent. Check the server address, or ask your administrator.",
  "sync.upgrade_required": "The server needs a newer version of this app. Install the latest version, then sync again.",
  "sync.wrong_server":
    "This is not the server this workstation enrolled with, so nothing was sent. Check the server address, or ask your administrator.",
  "sync.desktop_too_old":
    "This version of the app is too old to sync with your organization's server. Your work is kept on this laptop. Install the update, then sync again.",
  "update.refused":
    "The update was not installed because it could not be verified as coming from the app's publisher. Nothing was changed. Ask your administrator.",
  "internal": "Something went wrong inside the app. Try again; if it keeps happening, send the Details to your support contact.",

  // The policy lifecycle's codes.
  "policy.unknown_product": "Policy changes are not available for this product in this state. Contact underwriting to make the change.",
  "policy.bad_term": "The policy term's dates do not work. Check the start and end dates of the term.",
  "policy.negative_amount": "An amount entered is below zero. Enter an amount of zero or more.",
  "policy.outside_term": "The effective date is outside the policy's term. Choose a date within the term.",
  "policy.out_of_sequence":
    "A later change is already on this policy. Choose an effective date on or after that change, or reverse the later change first.",
  "policy.not_in_force": "The policy is not in force, so this change cannot be made. Check the policy's status.",
  "policy.not_cancelled": "The policy is not canceled, so there is nothing to reinstate.",
  "policy.reinstatement_closed": "The time allowed to reinstate this policy has passed. Write a new policy instead.",
  "policy.notice_too_short": "That date does not give the notice the law requires. Choose a later effective date.",
  "policy.backdated": "That date is further in the past than allowed. Choose a more recent effective date.",
  "policy.reason_not_allowed": "That reason is not allowed for this policy. Choose another reason.",
  "policy.notice_too_early": "It is too early to send this notice. Wait until the first mailing day the law allows.",
  "policy.renewal_too_late": "The deadline to offer this renewal has passed. Contact underwriting about the policy.",
  "policy.renewal_not_due": "It is too early to offer a renewal. Try again when the renewal window opens.",
  "policy.term_ended": "The policy term has already ended, so a renewal can no longer be offered.",
  "policy.renewal_offered": "A renewal has already been offered for this policy. Open the policy to see it.",
  "policy.no_renewal_offer": "No renewal has been offered yet, so there is nothing to accept.",
  "policy.non_renewed": "This policy is being non-renewed, so a renewal cannot be offered.",
  "policy.stale_version": "The policy was changed since you opened it. Sync, then make your change again.",

  // The sync server's codes.
  "audit.bad_range": "The range asked for goes beyond the audit log. Choose a smaller range.",
  "audit.bad_recipient": "The encryption recipient is not a valid key. Check the recipient key, then export again.",
  "audit.bad_time": "The dates could not be read. Choose the dates again, then search or export.",
  "audit.checkpoint_lost_in_restore":
    "Your saved checkpoint covers entries lost when the server was restored from a backup. Export without it, then verify with your checkpoint.",
  "audit.no_checkpoint": "The audit log has no checkpoint yet. Try again later.",
  "auth.invalid_credentials": "Wrong username or password. Check both, then try again.",
  "auth.missing_token": "You are not signed in to the server. Sign in or enroll this device again.",
  "auth.invalid_token": "Your sign-in is no longer valid. Sign in again, or enroll this device again.",
  "auth.token_expired": "Your sign-in has expired. Sign in again.",
  "auth.device_revoked": "An administrator revoked this device, so it can no longer sync. Ask an administrator, then enroll it again.",
  "auth.device_required": "This needs an enrolled workstation. Enroll this device on the Sync screen first.",
  "auth.rate_limited": "Too many failed sign-ins. Wait a few minutes, then try again.",
  "auth.user_disabled": "Your account is disabled. Ask an administrator to enable it.",
  "auth.second_factor_required": "Enter the six-digit code from your authenticator app, or one of your recovery codes.",
  "auth.second_factor_invalid": "That code is wrong or was used already. Enter the code your authenticator app shows now.",
  "auth.second_factor_enrollment_required":
    "Your organization requires a second sign-in step for your role. Set up an authenticator app before you continue.",
  "second_factor.enrolled": "You already have an authenticator app set up. Ask an administrator to reset it to set up another.",
  "second_factor.not_started": "Start setting up your authenticator app first, then enter its code.",
  "second_factor.none": "This user has no authenticator app set up. Nothing more needs doing.",
  "book.product": "Name the product of the book of policies, then try again.",
  "book.state": "Choose the state of the book of policies, then try again.",
  "customer.erased": "This customer's personal data was erased at their request, so their quotes and policies can no longer be changed.",
  "customer.reason": "Enter why the customer's data is being erased, such as their request's reference, then try again.",
  "customer.retained":
    "This customer still has a policy in force, whose records may have to be kept. Erase it only if your organization has decided so.",
  "auth.provider_ended":
    "Your organization's sign-in service no longer lets you sign in. Ask your administrator if you think this is a mistake.",
  "auth.use_provider": "You sign in through your organization's sign-in service, not with a password. Choose it on the sign-in screen.",
  "subject_request.bad_answer":
    "This device could not send what it holds for a customer's data request. Sync again, and tell your administrator if it keeps happening.",
  "subject_request.customer_erased": "This customer's data was already erased, so there is nothing left to ask the laptops for.",
  "subject_request.not_found": "This data request is no longer open. Nothing more needs doing.",
  "sso.attempt_unknown": "This sign-in took too long or was already used. Start signing in again.",
  "sso.bad_challenge": "The app could not start signing in. Try again, and tell your administrator if it keeps happening.",
  "sso.bad_provider": "Check the sign-in service's settings: one of them is missing or not in the form it needs.",
  "sso.bad_redirect": "The app could not start signing in. Try again, and tell your administrator if it keeps happening.",
  "sso.code_refused": "Your organization's sign-in service did not accept this sign-in. Start signing in again.",
  "sso.no_role": "Your account at your organization's sign-in service does not give you a role here. Ask your administrator.",
  "sso.provider_unreachable": "Your organization's sign-in service cannot be reached right now. Try again in a few minutes.",
  "sso.stopped": "Signing in through your organization's sign-in service did not finish. Start signing in again.",
  "sso.token_invalid":
    "This sign-in could not be trusted, so it was stopped. Start signing in again, and tell your administrator if it keeps happening.",
  "sso.unknown_provider": "This sign-in service is no longer set up. Ask your administrator which one to use.",
  "sso.unknown_user": "You do not have an account on this server yet. Ask your administrator to add you.",
  "sso.user_linked": "This account already signs in through another identity. Ask your administrator.",
  "sso.verifier_mismatch": "This sign-in did not come from this app, so it was stopped. Start signing in again.",
  "retention.days": "Keep records for at least one day.",
  "retention.kind": "Choose what kind of record the rule is for: quotes never bound, or ended policies.",
  "retention.state": "Choose a state by its two-letter code, or all states.",
  "customers.name": "Enter the customer's full name, as it appears on their quote, then search again.",
  "device.already_revoked": "This device was already revoked. Nothing more needs doing.",
  "device.bad_signature": "The device could not prove its identity to the server. Enroll the device again.",
  "device.challenge_invalid": "The device's sign-in check expired. Try again.",
  "device.not_found": "The server does not know this device. Refresh the list, or enroll the device again.",
  "enroll.bad_key": "The device's key was not accepted. Try enrolling again; if it keeps failing, tell your support contact.",
  "enroll.bad_name": "Enter a device name of up to a hundred characters.",
  "enroll.bad_proof": "The device could not prove it holds its key. Try enrolling again.",
  "enroll.device_revoked": "An administrator revoked this device, so it cannot enroll again with the same key. Ask an administrator.",
  "enroll.key_in_use": "This device is enrolled for another user. Ask an administrator to revoke it first.",
  "enroll.too_many_devices": "You have the most devices one user may enroll. Ask an administrator to revoke one you no longer use.",
  "key.exists": "That key is already trusted. Nothing more needs doing.",
  "key.not_found": "That key is not on the server. Refresh the list of keys.",
  "key.owner": "Approval keys are for active underwriters only. Choose an underwriter's account.",
  "key.proof": "The key did not sign this request. Ask for registration from the workstation that holds the key.",
  "key.request_not_found": "Nobody asked for this key to be registered. Refresh the list of requests.",
  "key.request_waiting": "A request to register a key is already waiting. An administrator must decide it first.",
  "key.revoked": "That key was revoked and can no longer be used. Create a new key and have it registered.",
  "pack.comment": "Say why the draft is rejected; the author reads your comment.",
  "pack.decided": "This rate draft has already been decided. Refresh the list to see the decision.",
  "pack.direct_publishing_off": "Rates change through a draft another underwriter approves. Submit the change as a draft.",
  "pack.draft_exists": "A draft with this name already exists. Open that draft, or give this one another version.",
  "pack.draft_id": "The draft's name may use only letters, digits, dashes, underscores and periods. Choose another name.",
  "pack.exists": "These rates were already published. Nothing more needs doing.",
  "pack.impact_mismatch": "The impact run attached is for other rates. Run the impact on this draft, then submit again.",
  "pack.not_found": "These rates are not on the server. Refresh the list of rates.",
  "pack.signature": "The rates' approval signature was not accepted. Check that your approval key is registered, then approve again.",
  "policy.number_mismatch": "The policy number does not match this policy. Open the policy again and retry.",
  "policy.referred": "This change needs an underwriter's review; it has been sent for referral. You will see the decision after a sync.",
  "policy.declined": "The underwriting rules decline this change. Contact underwriting to discuss it.",
  "referral.decided": "This referral has already been decided. Refresh the queue to see the decision.",
  "referral.not_found": "This referral is no longer in the queue. Refresh the queue.",
  "referral.not_pending": "This quote is not waiting for a referral decision. Refresh the queue.",
  "referral.note": "Add a note saying why; the agent reads it.",
  "referral.reason_required": "Give a reason for this decision; the agent reads it.",
  "referral.stale_version": "The quote was changed since you opened it. Review the current version, then decide again.",
  "request.bad_body": "The server could not read this request. Try again; if it keeps failing, install the latest version of the app.",
  "request.content_type": "The server could not read this request. Install the latest version of the app, then try again.",
  "request.too_large": "This is too large to send in one go. Send less at a time, then try again.",
  "sync.bad_cursor": "The server could not continue from where this workstation left off. Sync again.",
  "sync.batch_too_large": "Too many changes were sent at once. Sync again; the rest go next time.",
  "sync.op_id_reused": "The server already has a different change under this number. Ask an administrator before syncing again.",
  "throttle.subject": "Name the account or the network address to clear, then try again.",
  "user.bad_agency": "Give the agency's name on one line, in at most two hundred characters.",
  "user.bad_name": "Choose a username of up to sixty-four characters with no spaces.",
  "user.exists": "A user with that username already exists. Choose another username.",
  "user.last_admin":
    "This is the only administrator, so the role cannot be changed or the account disabled. Make another user an administrator first.",
  "user.not_found": "That user is not on the server. Refresh the list of users.",
  "user.weak_password": "That password is too short. Use at least twelve characters.",
  "desktop.invalid_release":
    "The update package could not be added: check the version, the platform name and the signature file, then add it again.",
  "desktop.invalid_version": "Write versions as three numbers, such as 1.4.2. The recommended version cannot be lower than the minimum.",
  "desktop.release_exists": "The server already holds this version of the app for this platform. Give the new package a later version.",
  "desktop.release_unknown": "The server no longer holds this update. Sync again to see which update is available, then install it.",
  "desktop.too_old":
    "This version of the app is too old to sync with your organization's server. Your work is kept on this laptop. Install the update, then sync again.",
  "migration.bad_owner": "Migrated policies belong to an agent. Choose an active agent as the wave's owner.",
  "migration.bad_tolerance": "The premium tolerance cannot be negative. Enter a percentage such as 5.",
  "migration.bad_wave": "Name waves with letters, digits, hyphens and underscores only, such as tx-auto-1.",
  "migration.no_wave": "There is no wave of that name. Load the book and plan the wave first.",
  "migration.not_completed": "Only a wave that has finished can be rolled back. Wait for it to finish, then try again.",
  "migration.not_planned": "That wave has already run. Plan a new wave for the policies still in the legacy system.",
  "migration.not_tracked": "No policy with that number is in the legacy books loaded on this server. Check the number.",
  "migration.rollback_blocked":
    "The wave cannot be rolled back, because some of its policies have changed since they moved here. The list is in the details.",
  "migration.wave_exists": "A wave of that name has already run. Give the new wave another name in the routing rules.",
  "protocol.missing_version": "The server needs to know this app's version. Install the latest version of the app, then try again.",
  "protocol.unsupported_version": "The server does not accept this version of the app. Install the latest version, then sync again.",

  // What the server answers for a change sent by sync (shown with the change).
  "bind.already_bound": "This quote is already bound. Open the policy from the dashboard.",
  "bind.backdated": "The bind date is too far in the past. Re-rate the quote with a current effective date, then request the bind again.",
  "bind.declined": "The underwriting rules decline this quote, so it cannot be bound.",
  "bind.input_changed": "The quote changed after it was priced. Re-rate it, then request the bind again.",
  "bind.not_approved": "An underwriter must approve this quote before it can be bound. Wait for the referral decision.",
  "bind.not_yours": "This quote belongs to another agent, so you cannot bind it.",
  "bind.pack_changed": "The rates changed since this quote was priced. Re-rate it with the rates in force, then request the bind again.",
  "bind.premium_mismatch": "The server priced this quote differently. Re-rate it with the rates in force, then request the bind again.",
  "bind.quote_expired": "This quote expired before it was bound. Re-rate it, then request the bind again.",
  "bind.unknown_quote": "The server does not have this quote yet. Sync again, then request the bind again.",
  "bind.unknown_version": "The server does not have this version of the quote. Sync again, then request the bind again.",
  "bind.unsigned":
    "The insured has not signed the coverage forms the state requires. Record the signed forms, then request the bind again.",
  "quote.already_bound": "This quote is already bound, so it cannot be priced again.",
  "quote.invalid": "The server found a problem with this quote's details. Open the quote, correct it, and save a new version.",
  "quote.number_not_allocated": "This quote number was not issued to this workstation. Create the quote again after syncing.",
  "quote.renewal_flag": "A new quote cannot be marked as a renewal. Offer renewals from the policy being renewed.",
  "quote.number_year": "This quote's number is from another year. Create the quote again.",
  "rating.pack_ambiguous": "More than one set of rates applies to this quote. Contact underwriting.",
  "rating.pack_mismatch": "The quote was priced with rates the server does not expect. Re-rate it with the rates in force.",
  "rating.pack_not_in_force": "The rates used for this quote are no longer in force. Re-rate it with the rates in force.",
  "rating.pack_revoked": "The rates used for this quote were withdrawn. Re-rate it with the rates in force.",
  "rating.pack_superseded": "Newer rates replaced the ones used for this quote. Re-rate it with the rates in force.",
  "rating.pack_unknown": "The server does not know the rates used for this quote. Sync, then re-rate it.",
  "rating.premium_mismatch": "The server priced this quote differently. Re-rate it with the rates in force.",
  "sync.bad_payload": "The server could not read a change this workstation sent. Tell your support contact, with the Details.",
  "sync.bad_signature": "The server could not verify this workstation's signature on a change. Ask an administrator before syncing again.",
  "sync.sequence_reused": "The server already had a change under this number; it will be sent again under a new one. Sync again.",
  "sync.unknown_kind": "The server does not know a change this workstation sent. Install the latest version of the app, then sync again.",
};
