//! `uw`: the command line over the rating engine.
//!
//! Exit status: 0 on success, 2 when the input (a quote, a VIN, a ZIP) is
//! invalid, 3 when a rate pack cannot be loaded, selected or verified, 4 when
//! an audit export fails verification, 5 when the workstation store or a
//! backup is damaged or cannot be used, 1 on anything else (an unreadable
//! file, a bad argument).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use time::Date;
use uw_rating::impact::{BookPolicy, ImpactControl};
use uw_rating::pack::digest;
use uw_rating::refdata::{vin, zip};
use uw_rating::{LoadMode, PackError, PackFiles, PackRegistry, Quote, RatePack, Rating, TrustedKeys};

mod report;

#[derive(Debug, Parser)]
#[command(name = "uw", version, about = "Underwriting workstation command line")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Rate a quote file with the pack in force and print the worksheet.
    Rate {
        /// The quote, as JSON.
        #[arg(long)]
        quote: PathBuf,
        /// Directory of rate packs (one subdirectory per pack).
        #[arg(long, default_value = "rate-packs")]
        packs: PathBuf,
        /// Select the pack in force on this date instead of the quote's effective date.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        /// Load unsigned packs as drafts (the result is marked draft).
        #[arg(long)]
        draft: bool,
        #[command(flatten)]
        trust: Trust,
    },
    /// Rate packs: validate, digest, sign, verify.
    #[command(subcommand)]
    Pack(PackCommand),
    /// Vehicle identification numbers.
    #[command(subcommand)]
    Vin(VinCommand),
    /// ZIP codes.
    #[command(subcommand)]
    Zip(ZipCommand),
    /// Books of policies: import a legacy system's dump.
    #[command(subcommand)]
    Book(BookCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The workstation's encrypted store (located by UW_DATA_DIR and
    /// UW_KEY_SOURCE, as the desktop app does).
    #[command(subcommand)]
    Store(StoreCommand),
    /// Encrypted backups of the workstation's store.
    #[command(subcommand)]
    Backup(BackupCommand),
    /// The workstation's keys: recovery copies.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Desktop app releases: sign an update package with the publisher's
    /// release key (its public half is built into the app as
    /// `UW_RELEASE_PUBLIC_KEY`).
    #[command(subcommand)]
    Release(ReleaseCommand),
}

#[derive(Debug, Subcommand)]
enum ReleaseCommand {
    /// Write the package's signature (base64) for `uw-sync-server admin
    /// desktop add-release --signature`.
    Sign {
        package: PathBuf,
        #[arg(long)]
        version: String,
        /// Such as `linux-x86_64-deb`.
        #[arg(long)]
        platform: String,
        /// File holding the Ed25519 release key seed as 64 hex digits.
        #[arg(long)]
        key: PathBuf,
        /// Where to write the signature.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum KeyCommand {
    /// Write a recovery copy of the store and device keys, age-encrypted to
    /// the organisation's recovery recipient.
    RecoveryCopy {
        #[arg(long)]
        recipient: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Put the keys from a recovery copy into the configured key source
    /// (which must hold none), so the store opens again.
    Recover {
        /// The recovery copy (`store-key.recovery.age`).
        copy: PathBuf,
        /// The organisation's age identity file.
        #[arg(long)]
        identity: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
enum StoreCommand {
    /// Verify every page's HMAC and the database structure. Exit 5 if damaged.
    Check,
}

#[derive(Debug, Subcommand)]
enum BackupCommand {
    /// Write an age-encrypted snapshot of the store.
    Create {
        #[arg(long)]
        out: PathBuf,
        /// An age X25519 recipient (age1…); repeat for several.
        #[arg(long = "recipient", required_unless_present = "passphrase_env", conflicts_with = "passphrase_env")]
        recipients: Vec<String>,
        /// Encrypt to a passphrase read from this environment variable
        /// (never from the command line, where other users can see it).
        #[arg(long)]
        passphrase_env: Option<String>,
    },
    /// Decrypt and check a backup without touching the store.
    Verify {
        backup: PathBuf,
        /// An age identity file.
        #[arg(long, required_unless_present = "passphrase_env", conflicts_with = "passphrase_env")]
        identity: Option<PathBuf>,
        /// The backup's passphrase, from this environment variable.
        #[arg(long)]
        passphrase_env: Option<String>,
    },
    /// Replace the store with a backup, after decrypting and checking it.
    Restore {
        backup: PathBuf,
        #[arg(long, required_unless_present = "passphrase_env", conflicts_with = "passphrase_env")]
        identity: Option<PathBuf>,
        #[arg(long)]
        passphrase_env: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Verify an auditor export offline. Exit 0 with a summary, or 4 naming
    /// the first bad entry and the reason.
    Verify {
        bundle: PathBuf,
        /// The log's verifier key (`name+keyid+base64key`), or a file holding it.
        #[arg(long)]
        key: String,
        /// The signed checkpoint from your previous audit, to prove the log
        /// only grew since.
        #[arg(long)]
        previous: Option<PathBuf>,
        /// An age identity file: the export is age-encrypted to you.
        #[arg(long)]
        identity: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum PackCommand {
    /// Load and check a pack (or every pack under a directory).
    Validate {
        dir: PathBuf,
        /// Skip the signature check.
        #[arg(long)]
        draft: bool,
        #[command(flatten)]
        trust: Trust,
    },
    /// Print a pack's digest.
    Digest { dir: PathBuf },
    /// Sign a pack: writes DIR/SIGNATURE.
    Sign {
        dir: PathBuf,
        /// File holding the Ed25519 signing key seed as 64 hex digits.
        #[arg(long)]
        key: PathBuf,
        #[arg(long)]
        key_id: String,
    },
    /// Check a pack's signature.
    Verify {
        dir: PathBuf,
        #[command(flatten)]
        trust: Trust,
    },
    /// Print what a filing reviewer checks in a pack: each coverage's
    /// factors with their weights (California's 10 CCR 2632.8), the
    /// discounts, surcharges and rules with their conditions, the fees and
    /// their classes, the risk model, the state law the engine enforces and
    /// the offers the law requires.
    Report {
        dir: PathBuf,
        /// Skip the signature check.
        #[arg(long)]
        draft: bool,
        #[command(flatten)]
        trust: Trust,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Show how pack B differs from pack A: manifest values, table cells,
    /// added and removed rows, other manifest lines.
    Diff {
        a: PathBuf,
        b: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Re-rate a book with a base and a draft pack and report the change:
    /// the percent-change histogram, totals, by coverage and territory, and
    /// the largest increases. Neither pack needs a signature.
    Impact {
        #[arg(long)]
        base: PathBuf,
        #[arg(long)]
        draft: PathBuf,
        /// A book in the canonical policy model (JSON Lines), as written by
        /// `uw book import`.
        #[arg(long)]
        book: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Debug, Subcommand)]
enum BookCommand {
    /// Map a legacy CSV dump into the canonical policy model v1: writes the
    /// book (JSON Lines), the rejects (CSV, each bad row with its problems)
    /// and prints the data-quality report. Exit 2 when the mapping or the
    /// header is wrong; rejected rows are not an error.
    Import {
        /// The mapping file (TOML; docs/legacy-import.md).
        #[arg(long)]
        mapping: PathBuf,
        /// The legacy dump.
        #[arg(long)]
        input: PathBuf,
        /// Where to write the book; default: the input with `.book.jsonl`.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Where to write the rejects; default: the input with `.rejects.csv`.
        #[arg(long)]
        rejects: Option<PathBuf>,
        /// How to print the data-quality report.
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Where every policy of a book goes by a routing rules file
    /// (docs/migration.md), and why: a wave of the server, the legacy
    /// system or the data-quality queue. With --packs, each policy is rated
    /// too, so rules on `quality.rates`, `quality.decision` and
    /// `quality.difference` apply. Exit 2 when the rules or the book are
    /// wrong.
    Route {
        #[arg(long)]
        book: PathBuf,
        #[arg(long)]
        rules: PathBuf,
        /// Rate packs (a pack directory, or a directory of them).
        #[arg(long)]
        packs: Option<PathBuf>,
        /// Load the packs as drafts (no signature check).
        #[arg(long)]
        draft: bool,
        #[command(flatten)]
        trust: Trust,
        /// The day terms are judged current on (default: today).
        #[arg(long)]
        on: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
}

#[derive(Debug, Subcommand)]
enum VinCommand {
    /// Check and decode a VIN.
    Decode { vin: String },
}

#[derive(Debug, Subcommand)]
enum ZipCommand {
    /// State and county of a ZIP code.
    Lookup { zip: String },
}

#[derive(Debug, Clone, clap::Args)]
struct Trust {
    /// Trust a signing key: ID=FILE, FILE holding the public key as 64 hex
    /// digits. The development key is trusted unless --no-dev-key.
    #[arg(long = "trust", value_name = "ID=FILE")]
    keys: Vec<String>,
    /// Do not trust the bundled development key.
    #[arg(long)]
    no_dev_key: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Json,
    Table,
}

fn parse_date(s: &str) -> Result<Date, String> {
    uw_rating::dates::parse_date(s).map_err(|e| format!("`{s}` is not a date YYYY-MM-DD: {e}"))
}

/// A failure with its exit status.
struct Failure {
    code: u8,
    message: String,
}

fn input(message: impl Into<String>) -> Failure {
    Failure { code: 2, message: message.into() }
}

fn pack_error(e: impl std::fmt::Display) -> Failure {
    Failure { code: 3, message: e.to_string() }
}

fn other(message: impl Into<String>) -> Failure {
    Failure { code: 1, message: message.into() }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            let _ = writeln!(std::io::stderr(), "error: {}", f.message.replace('\n', "\nerror: "));
            ExitCode::from(f.code)
        }
    }
}

fn out(text: &str) -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes()).and_then(|()| stdout.write_all(b"\n")).map_err(|e| other(format!("cannot write output: {e}")))
}

fn trusted(trust: &Trust) -> Result<TrustedKeys, Failure> {
    let mut keys = if trust.no_dev_key { TrustedKeys::new() } else { TrustedKeys::development() };
    for spec in &trust.keys {
        let (id, file) = spec.split_once('=').ok_or_else(|| other(format!("--trust `{spec}`: expected ID=FILE")))?;
        let text = std::fs::read_to_string(file).map_err(|e| other(format!("cannot read {file}: {e}")))?;
        keys.add_hex(id, &text).map_err(|e| other(format!("{file}: {e}")))?;
    }
    Ok(keys)
}

/// The pack directories under `dir`: `dir` itself when it holds a manifest,
/// otherwise each subdirectory that does.
fn pack_dirs(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    if dir.join(uw_rating::pack::MANIFEST_FILE).is_file() {
        return Ok(vec![dir.to_owned()]);
    }
    let entries = std::fs::read_dir(dir).map_err(|e| pack_error(format!("cannot read {}: {e}", dir.display())))?;
    let mut dirs: Vec<PathBuf> =
        entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.join(uw_rating::pack::MANIFEST_FILE).is_file()).collect();
    dirs.sort();
    if dirs.is_empty() {
        return Err(pack_error(format!("{}: no rate packs (directories with a manifest.toml)", dir.display())));
    }
    Ok(dirs)
}

fn load_all(dir: &Path, draft: bool, trust: &Trust) -> Result<Vec<RatePack>, Failure> {
    let keys = trusted(trust)?;
    let mode = if draft { LoadMode::Draft } else { LoadMode::Verified(&keys) };
    pack_dirs(dir)?.iter().map(|d| RatePack::load_dir(d, mode).map_err(pack_error)).collect()
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Rate { quote, packs, as_of, format, draft, trust } => {
            let text = std::fs::read_to_string(&quote).map_err(|e| other(format!("cannot read {}: {e}", quote.display())))?;
            let quote = Quote::from_json(&text).map_err(|e| input(format!("{}: {e}", quote.display())))?;
            let quote = quote.validate().map_err(|e| input(e.to_string()))?;
            let registry = PackRegistry::new(load_all(&packs, draft, &trust)?);
            let date = as_of.unwrap_or(quote.effective_date);
            let pack = registry.select(&quote.state, quote.product, date, quote.renewal).map_err(pack_error)?;
            let rating = uw_rating::rate(pack, &quote).map_err(|e| input(e.to_string()))?;
            match format {
                Format::Json => out(&serde_json::to_string_pretty(&rating).map_err(|e| other(e.to_string()))?),
                Format::Table => out(&table(&rating)),
            }
        }
        Command::Pack(PackCommand::Validate { dir, draft, trust }) => {
            for pack in load_all(&dir, draft, &trust)? {
                let info = pack.info();
                out(&format!("ok {} {} {} ({})", pack.id(), info.state, info.product, status(&pack)))?;
            }
            Ok(())
        }
        Command::Pack(PackCommand::Digest { dir }) => {
            let files = PackFiles::read_dir(&dir).map_err(pack_error)?;
            out(&digest::digest(&files).to_hex())
        }
        Command::Pack(PackCommand::Sign { dir, key, key_id }) => {
            let key_text = std::fs::read_to_string(&key).map_err(|e| other(format!("cannot read {}: {e}", key.display())))?;
            let signing_key = digest::signing_key_from_hex(&key_text).map_err(|e| other(format!("{}: {e}", key.display())))?;
            let files = PackFiles::read_dir(&dir).map_err(pack_error)?;
            // Only a pack that compiles is worth signing.
            uw_rating::compile(&files, LoadMode::Draft).map_err(pack_error)?;
            let d = digest::digest(&files);
            let path = dir.join(digest::SIGNATURE_FILE);
            std::fs::write(&path, digest::sign(&d, &key_id, &signing_key))
                .map_err(|e| other(format!("cannot write {}: {e}", path.display())))?;
            out(&format!("signed {} digest {d} with {key_id} ({})", dir.display(), digest::public_key_hex(&signing_key)))
        }
        Command::Pack(PackCommand::Verify { dir, trust }) => {
            let keys = trusted(&trust)?;
            let pack = RatePack::load_dir(&dir, LoadMode::Verified(&keys)).map_err(|e: PackError| pack_error(e))?;
            out(&format!("ok {} ({})", pack.id(), status(&pack)))
        }
        Command::Pack(PackCommand::Report { dir, draft, trust, format }) => {
            for pack in load_all(&dir, draft, &trust)? {
                let r = pack.filing_report();
                match format {
                    Format::Json => out(&serde_json::to_string_pretty(&r).map_err(|e| other(e.to_string()))?)?,
                    Format::Table => out(&report::filing_table(&r))?,
                }
            }
            Ok(())
        }
        Command::Pack(PackCommand::Diff { a, b, format }) => {
            let (base, draft) = (PackFiles::read_dir(&a).map_err(pack_error)?, PackFiles::read_dir(&b).map_err(pack_error)?);
            let d = uw_rating::pack::edit::diff(&base, &draft);
            match format {
                Format::Json => out(&serde_json::to_string_pretty(&d).map_err(|e| other(e.to_string()))?),
                Format::Table => out(&report::diff_table(&a, &b, &d)),
            }
        }
        Command::Pack(PackCommand::Impact { base, draft, book, format }) => {
            let base = RatePack::load_dir(&base, LoadMode::Draft).map_err(pack_error)?;
            let draft = RatePack::load_dir(&draft, LoadMode::Draft).map_err(pack_error)?;
            let file = std::fs::File::open(&book).map_err(|e| other(format!("cannot read {}: {e}", book.display())))?;
            // The book is read and rated in parts, so its size never decides
            // the memory the run takes.
            const PART: usize = 65_536;
            let cancel = std::sync::atomic::AtomicBool::new(false);
            let control = ImpactControl { cancel: &cancel, progress: &|_, _| {} };
            let mut run = uw_rating::impact::ImpactRun::new(&base, &draft, 0).map_err(pack_error)?;
            let mut reader = uw_policy::BookReader::new(std::io::BufReader::new(file));
            let (mut total, mut part) = (0usize, Vec::with_capacity(PART));
            loop {
                part.clear();
                let mut read = 0;
                for policy in reader.by_ref().take(PART) {
                    let p = policy.map_err(|e| input(format!("{}: {e}", book.display())))?;
                    read += 1;
                    // A rate change prices the policies in force; cancelled
                    // and expired ones are left out, and said so.
                    if p.status != uw_policy::CanonicalStatus::InForce {
                        continue;
                    }
                    let quote = p.valid_rating().map_err(|e| input(format!("policy {}: {e}", p.policy_number)))?;
                    part.push(BookPolicy { id: p.policy_number, quote });
                }
                if read == 0 {
                    break;
                }
                total += read;
                run.feed(&part, &control).map_err(pack_error)?;
            }
            let report = run.finish();
            let in_force = usize::try_from(report.policies).unwrap_or(usize::MAX);
            if in_force < total {
                eprintln!("left out {} of {total} policies: cancelled or expired", total - in_force);
            }
            match format {
                Format::Json => out(&serde_json::to_string_pretty(&report).map_err(|e| other(e.to_string()))?),
                Format::Table => out(&report::impact_table(&report)),
            }
        }
        Command::Book(BookCommand::Import { mapping, input: csv, out: book, rejects, format }) => {
            let text = std::fs::read_to_string(&mapping).map_err(|e| other(format!("cannot read {}: {e}", mapping.display())))?;
            let mapping = uw_policy::Mapping::parse(&text, &mapping.display().to_string()).map_err(|e| input(e.to_string()))?;
            let file = std::fs::File::open(&csv).map_err(|e| other(format!("cannot read {}: {e}", csv.display())))?;
            let imported =
                uw_policy::import(&mapping, std::io::BufReader::new(file)).map_err(|e| input(format!("{}: {e}", csv.display())))?;
            let book = book.unwrap_or_else(|| csv.with_extension("book.jsonl"));
            let rejects = rejects.unwrap_or_else(|| csv.with_extension("rejects.csv"));
            write_atomically(&book, |w| uw_policy::write_book(&imported.policies, w))?;
            write_atomically(&rejects, |w| uw_policy::write_rejects(&imported.rejects, &imported.header, w))?;
            match format {
                Format::Json => out(&serde_json::to_string_pretty(&imported.report).map_err(|e| other(e.to_string()))?)?,
                Format::Table => out(&imported.report.to_string())?,
            }
            out(&format!(
                "wrote {} ({} policies) and {} ({} rejects)",
                book.display(),
                imported.policies.len(),
                rejects.display(),
                imported.rejects.len()
            ))
        }
        Command::Book(BookCommand::Route { book, rules, packs, draft, trust, on, format }) => {
            let text = std::fs::read_to_string(&rules).map_err(|e| other(format!("cannot read {}: {e}", rules.display())))?;
            let rules = uw_policy::Rules::parse(&text, &rules.display().to_string()).map_err(|e| input(e.to_string()))?;
            let file = std::fs::File::open(&book).map_err(|e| other(format!("cannot read {}: {e}", book.display())))?;
            let policies = uw_policy::read_book(std::io::BufReader::new(file)).map_err(|e| input(format!("{}: {e}", book.display())))?;
            let packs = packs.as_deref().map(|dir| load_all(dir, draft, &trust)).transpose()?;
            let today = match on {
                Some(day) => time::Date::parse(&day, &time::format_description::well_known::Iso8601::DATE)
                    .map_err(|_| input(format!("--on: `{day}` is not a date (YYYY-MM-DD)")))?,
                None => time::OffsetDateTime::now_utc().date(),
            };
            let duplicates = uw_policy::duplicate_numbers(&policies);
            let routed: Vec<(String, uw_policy::Routed)> = policies
                .iter()
                .map(|p| {
                    let rated = packs.as_ref().map(|packs| uw_policy::Rated::with(packs, p));
                    let quality = uw_policy::Quality::assess(p, today, rated, duplicates.contains(&p.policy_number));
                    (p.policy_number.clone(), rules.route(p, &quality))
                })
                .collect();
            match format {
                Format::Json => {
                    let lines: Vec<serde_json::Value> =
                        routed.iter().map(|(n, r)| serde_json::json!({ "policy_number": n, "routed": r })).collect();
                    out(&serde_json::to_string_pretty(&lines).map_err(|e| other(e.to_string()))?)
                }
                Format::Table => out(&report::route_table(&routed)),
            }
        }
        Command::Vin(VinCommand::Decode { vin: v }) => {
            let decoded = vin::decode(&v).map_err(|e| input(e.to_string()))?;
            out(&serde_json::to_string_pretty(&decoded).map_err(|e| other(e.to_string()))?)
        }
        Command::Audit(AuditCommand::Verify { bundle, key, previous, identity }) => {
            let read = |p: &Path| std::fs::read_to_string(p).map_err(|e| other(format!("cannot read {}: {e}", p.display())));
            let key_text = if Path::new(&key).is_file() { read(Path::new(&key))? } else { key };
            let verifier = uw_ledger::NoteVerifier::parse(&key_text).map_err(|e| other(format!("--key: {e}")))?;
            let text = match identity {
                None => read(&bundle)?,
                Some(identity) => decrypt(&bundle, &identity)?,
            };
            let previous = previous.as_deref().map(read).transpose()?;
            let ok = uw_ledger::export::verify(&text, &[verifier], previous.as_deref())
                .map_err(|e| Failure { code: 4, message: format!("{}: {e}", bundle.display()) })?;
            let root = ok.checkpoint.root.iter().map(|b| format!("{b:02x}")).collect::<String>();
            let previous = match (&ok.restored, ok.consistent_with) {
                (Some(r), Some(n)) => format!(
                    ", consistent with your previous checkpoint of size {n} of `{}`: that log was restored from a backup that kept its first {} entries (its last checkpoint covered {}) and goes on as this one",
                    r.from_origin, r.restored_size, r.last_size
                ),
                (None, Some(n)) => format!(", consistent with your previous checkpoint of size {n}"),
                _ => String::new(),
            };
            out(&format!(
                "ok: entries {}..{} of {} (tree size {}, root {root}), signed by {}{previous}",
                ok.start,
                ok.end,
                ok.checkpoint.origin,
                ok.checkpoint.size,
                ok.signers.join(", ")
            ))
        }
        Command::Store(StoreCommand::Check) => {
            let config = workstation_config()?;
            let store =
                uw_workstation::Workstation::open_existing_store(&config).map_err(|e| Failure { code: 5, message: e.to_string() })?;
            store.check().map_err(|e| Failure { code: 5, message: e.to_string() })?;
            out(&format!("ok: {} passes the cipher and integrity checks", store.path().display()))
        }
        Command::Backup(command) => backup_command(command),
        Command::Key(command) => key_command(command),
        Command::Release(ReleaseCommand::Sign { package, version, platform, key, out: sig }) => {
            let key_text = std::fs::read_to_string(&key).map_err(|e| other(format!("cannot read {}: {e}", key.display())))?;
            let signing_key = digest::signing_key_from_hex(&key_text).map_err(|e| other(format!("{}: {e}", key.display())))?;
            let content = std::fs::read(&package).map_err(|e| other(format!("cannot read {}: {e}", package.display())))?;
            let release = uw_workstation::update::sign_package(&content, &version, &platform, &signing_key)
                .map_err(|e| input(format!("--version: {e}")))?;
            std::fs::write(&sig, format!("{}\n", release.signature)).map_err(|e| other(format!("cannot write {}: {e}", sig.display())))?;
            out(&format!(
                "signed {} {} {} (sha256 {}) with the release key {}",
                package.display(),
                release.platform,
                release.version,
                release.sha256,
                digest::public_key_hex(&signing_key)
            ))
        }
        Command::Zip(ZipCommand::Lookup { zip: z }) => {
            let place = zip::lookup(&z).map_err(|e| input(e.to_string()))?;
            out(&serde_json::to_string_pretty(&place).map_err(|e| other(e.to_string()))?)
        }
    }
}

/// Writes `path` through a temporary file beside it and a rename, so a
/// failure never leaves half a file where a good one was.
fn write_atomically(path: &Path, write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>) -> Result<(), Failure> {
    let fail = |e: std::io::Error| other(format!("cannot write {}: {e}", path.display()));
    let mut name = path.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(".partial");
    let partial = path.with_file_name(name);
    let mut w = std::io::BufWriter::new(std::fs::File::create(&partial).map_err(fail)?);
    write(&mut w).map_err(fail)?;
    w.into_inner().map_err(|e| fail(e.into_error()))?.sync_all().map_err(fail)?;
    std::fs::rename(&partial, path).map_err(fail)
}

fn workstation_config() -> Result<uw_workstation::WorkstationConfig, Failure> {
    let default_dir = std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".local/share/com.uwworkstation.desktop"))
        .ok_or_else(|| other("HOME is not set; set UW_DATA_DIR"))?;
    uw_workstation::WorkstationConfig::from_env(default_dir).map_err(|e| other(e.to_string()))
}

fn identities(path: &Path) -> Result<Vec<age::x25519::Identity>, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| other(format!("cannot read {}: {e}", path.display())))?;
    let ids: Vec<age::x25519::Identity> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.trim().parse::<age::x25519::Identity>().map_err(|e| other(format!("{}: {e}", path.display()))))
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Err(other(format!("{}: no AGE-SECRET-KEY identity", path.display())));
    }
    Ok(ids)
}

fn key_command(command: KeyCommand) -> Result<(), Failure> {
    use uw_workstation::recovery::{self, RecoveredKeys};
    use uw_workstation::Workstation;
    let config = workstation_config()?;
    let fail = |e: &dyn std::fmt::Display| Failure { code: 5, message: e.to_string() };
    match command {
        KeyCommand::RecoveryCopy { recipient, out: path } => {
            let recipient = recipient.parse::<age::x25519::Recipient>().map_err(|e| other(format!("--recipient {recipient}: {e}")))?;
            let store_key = Workstation::existing_key(&config).map_err(|e| fail(&e))?;
            let device_source = config.key_source.device();
            let device_key =
                device_source.load().map_err(|e| fail(&e))?.ok_or_else(|| fail(&format!("{device_source} holds no device key")))?;
            recovery::write(&path, &RecoveredKeys { store_key, device_key }, &recipient).map_err(|e| fail(&e))?;
            out(&format!("ok: wrote {}", path.display()))
        }
        KeyCommand::Recover { copy, identity } => {
            let keys = recovery::read(&copy, identities(&identity)?).map_err(|e| fail(&e))?;
            recovery::restore_into(&keys, &config.key_source).map_err(|e| fail(&e))?;
            Workstation::open_existing_store(&config).map_err(|e| fail(&e))?.check().map_err(|e| fail(&e))?;
            out(&format!("ok: keys restored to {}; {} opens and passes its checks", config.key_source, config.store_path().display()))
        }
    }
}

/// A passphrase from the environment variable `var`; empty or missing is an error.
fn passphrase_from(var: &str) -> Result<age::secrecy::SecretString, Failure> {
    match std::env::var(var) {
        Ok(value) if !value.is_empty() => Ok(age::secrecy::SecretString::from(value)),
        _ => Err(other(format!("--passphrase-env {var}: the variable is not set or is empty"))),
    }
}

fn unlock(identity: Option<&Path>, passphrase_env: Option<&str>) -> Result<uw_workstation::backup::Unlock, Failure> {
    use uw_workstation::backup::Unlock;
    match (identity, passphrase_env) {
        (Some(identity), None) => Ok(Unlock::Identities(identities(identity)?)),
        (None, Some(var)) => Ok(Unlock::Passphrase(passphrase_from(var)?)),
        _ => Err(other("give exactly one of --identity or --passphrase-env")),
    }
}

fn backup_command(command: BackupCommand) -> Result<(), Failure> {
    use uw_workstation::backup::{self, Lock};
    use uw_workstation::Workstation;
    let config = workstation_config()?;
    let fail = |e: &dyn std::fmt::Display| Failure { code: 5, message: e.to_string() };
    match command {
        BackupCommand::Create { out: path, recipients, passphrase_env } => {
            let (lock, whom) = match passphrase_env {
                Some(var) => (Lock::Passphrase(passphrase_from(&var)?), "a passphrase".to_owned()),
                None => {
                    let recipients = recipients
                        .iter()
                        .map(|r| r.parse::<age::x25519::Recipient>().map_err(|e| other(format!("--recipient {r}: {e}"))))
                        .collect::<Result<Vec<_>, _>>()?;
                    let whom = format!("{} recipient(s)", recipients.len());
                    (Lock::Recipients(recipients), whom)
                }
            };
            let store = Workstation::open_existing_store(&config).map_err(|e| fail(&e))?;
            let bytes = backup::create(&store, &path, &lock).map_err(|e| fail(&e))?;
            out(&format!("ok: {} ({bytes} bytes before encryption) for {whom}", path.display()))
        }
        BackupCommand::Verify { backup: path, identity, passphrase_env } => {
            let unlock = unlock(identity.as_deref(), passphrase_env.as_deref())?;
            let key = Workstation::existing_key(&config).map_err(|e| fail(&e))?;
            backup::verify(&path, &unlock, &key).map_err(|e| fail(&e))?;
            out(&format!("ok: {} decrypts, opens with the store key and passes the checks", path.display()))
        }
        BackupCommand::Restore { backup: path, identity, passphrase_env } => {
            let unlock = unlock(identity.as_deref(), passphrase_env.as_deref())?;
            let key = Workstation::existing_key(&config).map_err(|e| fail(&e))?;
            backup::restore(&path, &unlock, &key, &config.store_path()).map_err(|e| fail(&e))?;
            out(&format!("ok: restored {} from {}", config.store_path().display(), path.display()))
        }
    }
}

/// Decrypts an age-encrypted export with the identities in `identity`.
fn decrypt(bundle: &Path, identity: &Path) -> Result<String, Failure> {
    use std::io::Read as _;
    let identities = age::IdentityFile::from_file(identity.display().to_string())
        .map_err(|e| other(format!("cannot read identity file {}: {e}", identity.display())))?
        .into_identities()
        .map_err(|e| other(format!("{}: {e}", identity.display())))?;
    let bytes = std::fs::read(bundle).map_err(|e| other(format!("cannot read {}: {e}", bundle.display())))?;
    let decryptor =
        age::Decryptor::new(&bytes[..]).map_err(|e| Failure { code: 4, message: format!("{}: not an age file: {e}", bundle.display()) })?;
    let mut reader = decryptor
        .decrypt(identities.iter().map(|i| i.as_ref() as &dyn age::Identity))
        .map_err(|e| Failure { code: 4, message: format!("{}: cannot decrypt with {}: {e}", bundle.display(), identity.display()) })?;
    let mut text = String::new();
    reader
        .read_to_string(&mut text)
        .map_err(|e| Failure { code: 4, message: format!("{}: decryption failed (the file was altered): {e}", bundle.display()) })?;
    Ok(text)
}

fn status(pack: &RatePack) -> String {
    match pack.status() {
        uw_rating::PackStatus::Signed { key_id } => format!("signed by {key_id}"),
        uw_rating::PackStatus::Draft => "draft".to_owned(),
    }
}

/// A human-readable worksheet.
fn table(r: &Rating) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "pack      {}{}", r.pack_id, if r.draft { "  (DRAFT: not a final premium)" } else { "" });
    if !r.drivers.is_empty() {
        let _ = writeln!(s, "\ndrivers");
    }
    for d in &r.drivers {
        let on = d.vehicles.iter().map(|v| format!("vehicle {v}")).collect::<Vec<_>>().join(", ");
        let rank = d.rank.map(|x| format!("rank {x}")).unwrap_or_default();
        let role = serde_json::to_value(d.role).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        let _ = writeln!(s, "  driver {} {:<12} {:<22} {rank}", d.driver, role, if on.is_empty() { "no vehicle".to_owned() } else { on });
    }
    for c in &r.coverages {
        let unit = match (c.vehicle, c.driver) {
            (Some(v), Some(d)) => format!(" vehicle {v} (driver {d})"),
            (Some(v), None) => format!(" vehicle {v}"),
            _ => String::new(),
        };
        let option = [c.limit.as_deref(), c.deductible.as_deref()].iter().flatten().copied().collect::<Vec<_>>().join(" / ");
        let _ = writeln!(s, "\n{} {}{unit} {option}", c.coverage, c.name);
        for l in &c.worksheet {
            let what = match (&l.table, &l.key) {
                (Some(t), Some(k)) => format!("{t} [{k}]"),
                (None, Some(k)) => k.to_string(),
                _ => String::new(),
            };
            let label = l.label.map(|x| format!(" {x}")).unwrap_or_default();
            let note = l.note.map(|x| format!("  ({x})")).unwrap_or_default();
            let _ = writeln!(
                s,
                "  {:<28} {:<12} {:>12} {:>14}  {what}{label}{note}",
                l.step,
                format!("{:?}", l.operation).to_lowercase(),
                l.value,
                l.subtotal
            );
        }
        let _ = writeln!(s, "  {:<28} {:>41}", "premium", c.premium);
    }
    for f in &r.fees {
        let _ = writeln!(s, "\nfee {:<24} {:>41}", f.name, f.amount);
    }
    if !r.minimum_premium_adjustment.is_zero() {
        let _ = writeln!(s, "minimum premium adjustment {:>43}", r.minimum_premium_adjustment);
    }
    let _ = writeln!(s, "\nTOTAL {:>64}", r.total);
    for i in &r.installments.installments {
        let _ = writeln!(s, "  installment {} due {} {:>12} (fee {})", i.number, i.due, i.amount, i.fee);
    }
    if let Some(risk) = &r.risk {
        let _ = writeln!(
            s,
            "\nrisk score {} ({}): frequency {}, relativity {} capped {}{}",
            risk.unit,
            format!("{:?}", risk.usage).to_lowercase(),
            risk.frequency,
            risk.relativity,
            risk.capped_relativity,
            if risk.applied { ", applied" } else { ", not applied" }
        );
        for c in &risk.contributions {
            let _ = writeln!(
                s,
                "  {:<36} value {:>10} x {:>10} = {:>10}",
                format!("{}{}", c.variable, c.level.as_deref().map(|l| format!("={l}")).unwrap_or_default()),
                c.value,
                c.coefficient,
                c.contribution
            );
        }
    }
    let _ = writeln!(s, "\ndecision {:?}", r.decision.action);
    for reason in &r.decision.reasons {
        let _ = writeln!(s, "  {} {:?} {}: {}", reason.code, reason.action, reason.subject, reason.message);
    }
    s
}
