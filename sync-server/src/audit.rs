//! The audit log in the database: appends inside a mutation's transaction,
//! tree reads for proofs and checkpoints, and signed checkpoints.
//!
//! The tree's node hashes live in `audit_node`; an append needs only the
//! right edge of the tree (one node per level at most) and adds the subtrees
//! the new leaf completes. A [`Mutation`] keeps the right edge and its
//! appends in memory and writes them in a few multi-row statements when it
//! commits (or when something inside it reads the tree), so an append costs
//! no round trip to the database. Reads (roots, proofs, exports) fetch the
//! nodes they need on demand.

use std::collections::HashMap;

use time::OffsetDateTime;
use uw_ledger::merkle::{Hash, MerkleTree, NodeStore, TreeError};
use uw_ledger::{AuditEntry, Checkpoint};

use crate::storage::{args, Storage, StorageError, Tx, TxMode};

/// The right edge of the tree of `size` leaves: the roots of its perfect
/// subtrees, by (level, index).
#[derive(Debug, Clone, Default)]
pub struct Edge {
    size: u64,
    nodes: HashMap<(u8, u64), Hash>,
}

/// Who did something, as the log records it.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: String,
    pub role: uw_ledger::Role,
    pub device_id: Option<String>,
}

impl Actor {
    /// The server itself, or its administration command line.
    pub fn system(name: &str) -> Self {
        Self { user_id: name.to_owned(), role: uw_ledger::Role::System, device_id: None }
    }
}

/// A write transaction that holds the log head: every mutation goes through
/// one, so its data and its audit entry commit together or not at all.
///
/// Appends wait in memory until [`Mutation::flush`] (which
/// [`Mutation::commit`] runs): code that reads the log tables inside a
/// mutation flushes first.
pub struct Mutation {
    pub tx: Box<dyn Tx>,
    /// The log size with the appends not yet written.
    size: u64,
    /// The log size the database holds in this transaction.
    written: u64,
    /// Appended entries not yet written: (index, canonical bytes, leaf hash).
    entries: Vec<(u64, Vec<u8>, Hash)>,
    /// Tree nodes the appends completed, not yet written.
    nodes: Vec<(u8, u64, Hash)>,
    /// Changes published for pull, not yet written (each names its entry):
    /// (log index, the user who sees it or None, kind, body JSON).
    changes: Vec<(u64, Option<String>, String, String)>,
    /// The right edge of the tree of `size` leaves, as far as it is known:
    /// the roots of its perfect subtrees.
    edge: HashMap<(u8, u64), Hash>,
    pub request_id: String,
    pub now: OffsetDateTime,
}

impl std::fmt::Debug for Mutation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mutation")
            .field("size", &self.size)
            .field("written", &self.written)
            .field("request_id", &self.request_id)
            .finish_non_exhaustive()
    }
}

/// Rows per multi-row `INSERT`: three parameters a row stays under SQLite's
/// oldest limit of 999 parameters a statement.
const ROWS_PER_INSERT: usize = 300;

/// Why an audit append failed.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("audit entry cannot be encoded: {0}")]
    Entry(#[from] uw_ledger::EntryError),
    #[error("audit tree: {0}")]
    Tree(String),
    #[error("checkpoint: {0}")]
    Sign(String),
}

impl From<AuditError> for crate::error::ApiError {
    fn from(error: AuditError) -> Self {
        Self::internal(error)
    }
}

impl Mutation {
    /// Begins a write transaction and locks the log head. This is the first
    /// statement of every write (see `storage`'s invariant).
    pub async fn begin(storage: &dyn Storage, request_id: &str) -> Result<Self, AuditError> {
        Self::begin_at(storage, request_id, OffsetDateTime::now_utc()).await
    }

    /// [`Mutation::begin`] at the server clock's `now` (see [`crate::Clock`]).
    pub async fn begin_at(storage: &dyn Storage, request_id: &str, now: OffsetDateTime) -> Result<Self, AuditError> {
        let mut tx = storage.begin(TxMode::Write).await?;
        let row = tx.fetch_one("UPDATE log_head SET size = size WHERE singleton = 1 RETURNING size", args![]).await?;
        let size = u64::try_from(row.int(0)?).map_err(|_| AuditError::Tree("negative log size".into()))?;
        Ok(Self {
            tx,
            size,
            written: size,
            entries: Vec::new(),
            nodes: Vec::new(),
            changes: Vec::new(),
            edge: HashMap::new(),
            request_id: request_id.to_owned(),
            now,
        })
    }

    /// The log's size inside this transaction.
    pub fn log_size(&self) -> u64 {
        self.size
    }

    /// The right edge of the tree as far as this mutation knows it, for
    /// [`Mutation::seed_edge`] in a later one.
    pub fn edge(&self) -> Edge {
        Edge { size: self.size, nodes: self.edge.clone() }
    }

    /// Starts from a right edge kept from an earlier mutation, saving its
    /// reads, if the log still has the size it had then. The node of a
    /// complete subtree never changes, so an edge kept from the same log is
    /// never wrong, only incomplete once another process appended; the size
    /// check keeps it whole, and keeps out an edge from a log restored to an
    /// older backup.
    pub fn seed_edge(&mut self, edge: &Edge) {
        if edge.size == self.size && self.entries.is_empty() {
            self.edge.clone_from(&edge.nodes);
        }
    }

    /// Appends an audit entry for `action` on `resource_type/resource_id`;
    /// `change` is the canonical JSON of what changed (its SHA-256 is logged).
    pub async fn audit(
        &mut self,
        actor: &Actor,
        action: &str,
        resource: (&str, &str),
        change: &serde_json::Value,
        device: Option<(&str, [u8; 64])>,
    ) -> Result<u64, AuditError> {
        use sha2::Digest as _;
        let entry = AuditEntry {
            actor_user: actor.user_id.clone(),
            actor_role: actor.role,
            actor_device: actor.device_id.clone(),
            action: action.to_owned(),
            resource_type: resource.0.to_owned(),
            resource_id: resource.1.to_owned(),
            server_time: log_time(self.now),
            device_time: device.map(|(time, _)| time.to_owned()),
            device_signature: device.map(|(_, signature)| signature),
            change_sha256: sha2::Sha256::digest(change.to_string().as_bytes()).into(),
            request_id: self.request_id.clone(),
        };
        let bytes = entry.encode()?;
        let index = self.size;
        let leaf = uw_ledger::merkle::leaf_hash(&bytes);
        // The append needs the left sibling at each level where the new leaf
        // closes a subtree: the right edge, known after the first append.
        let mut nodes = Nodes { known: std::mem::take(&mut self.edge), written: Vec::new() };
        let mut level = 0u8;
        while (index >> level) & 1 == 1 {
            let sibling = (index >> level) - 1;
            if let std::collections::hash_map::Entry::Vacant(vacant) = nodes.known.entry((level, sibling)) {
                vacant.insert(node(&mut *self.tx, level, sibling).await?.ok_or_else(|| missing(level, sibling))?);
            }
            level += 1;
        }
        let mut tree = MerkleTree::open(nodes, index);
        tree.append_hash(leaf).map_err(|e| AuditError::Tree(e.to_string()))?;
        let Nodes { mut known, written } = tree.into_store();
        let size = index + 1;
        known.retain(|&(level, i), _| (size >> level) & 1 == 1 && i == (size >> level) - 1);
        self.edge = known;
        self.nodes.extend(written);
        self.entries.push((index, bytes, leaf));
        self.size = size;
        Ok(index)
    }

    /// Writes the appends made so far: entries, tree nodes, published
    /// changes and the log size.
    pub async fn flush(&mut self) -> Result<(), AuditError> {
        let span = if uw_telemetry::recording() {
            tracing::info_span!("audit_append", entries = self.entries.len())
        } else {
            tracing::Span::none()
        };
        tracing::Instrument::instrument(self.flush_in_span(), span).await
    }

    async fn flush_in_span(&mut self) -> Result<(), AuditError> {
        for chunk in self.entries.chunks(ROWS_PER_INSERT) {
            let mut values = Vec::with_capacity(chunk.len() * 3);
            for (index, bytes, leaf) in chunk {
                values.extend(args![to_i64(*index)?, bytes.as_slice(), leaf]);
            }
            self.tx.execute(&multi_row_insert("audit_entry (idx, entry, leaf_hash)", 3, chunk.len()), values).await?;
        }
        for chunk in self.nodes.chunks(ROWS_PER_INSERT) {
            let mut values = Vec::with_capacity(chunk.len() * 3);
            for (level, index, hash) in chunk {
                values.extend(args![i64::from(*level), to_i64(*index)?, hash]);
            }
            self.tx.execute(&multi_row_insert("audit_node (level, idx, hash)", 3, chunk.len()), values).await?;
        }
        for chunk in self.changes.chunks(ROWS_PER_INSERT / 2) {
            let mut values = Vec::with_capacity(chunk.len() * 4);
            for (index, user_id, kind, body) in chunk {
                values.extend(args![to_i64(*index)?, user_id.as_deref(), kind.as_str(), body.as_str()]);
            }
            self.tx.execute(&multi_row_insert("change_feed (log_index, user_id, kind, body)", 4, chunk.len()), values).await?;
        }
        if self.size != self.written {
            self.tx.execute("UPDATE log_head SET size = $1 WHERE singleton = 1", args![to_i64(self.size)?]).await?;
        }
        self.entries.clear();
        self.nodes.clear();
        self.changes.clear();
        self.written = self.size;
        Ok(())
    }

    /// Publishes a change for pull at the log index of this mutation's last
    /// audit entry. `user_id` None: every user sees it.
    pub async fn publish(&mut self, index: u64, user_id: Option<&str>, body: &uw_protocol::ChangeBody) -> Result<(), AuditError> {
        let json = serde_json::to_value(body).map_err(|e| AuditError::Tree(e.to_string()))?;
        let kind = json["kind"].as_str().unwrap_or_default().to_owned();
        self.changes.push((index, user_id.map(str::to_owned), kind, json["body"].to_string()));
        Ok(())
    }

    /// Writes what is pending and commits.
    pub async fn commit(mut self) -> Result<(), AuditError> {
        self.flush().await?;
        Ok(self.tx.commit().await?)
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ`, the log's time format.
pub fn log_time(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// `INSERT INTO {table} VALUES ($1, …), …`: `rows` rows of `columns`
/// parameters.
pub fn multi_row_insert(table: &str, columns: usize, rows: usize) -> String {
    use std::fmt::Write as _;
    let mut sql = format!("INSERT INTO {table} VALUES ");
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..columns {
            let _ = write!(sql, "{}${}", if column == 0 { "" } else { ", " }, row * columns + column + 1);
        }
        sql.push(')');
    }
    sql
}

fn to_i64(n: u64) -> Result<i64, AuditError> {
    i64::try_from(n).map_err(|_| AuditError::Tree(format!("{n} does not fit the database")))
}

fn missing(level: u8, index: u64) -> AuditError {
    AuditError::Tree(format!("the database has no tree node at level {level} index {index}; the audit log is damaged"))
}

async fn node(tx: &mut dyn Tx, level: u8, index: u64) -> Result<Option<Hash>, AuditError> {
    let row =
        tx.fetch_optional("SELECT hash FROM audit_node WHERE level = $1 AND idx = $2", args![i64::from(level), to_i64(index)?]).await?;
    Ok(match row {
        Some(row) => Some(row.bytes32(0)?),
        None => None,
    })
}

/// Node hashes fetched so far, and those an append wrote.
#[derive(Debug, Default)]
struct Nodes {
    known: HashMap<(u8, u64), Hash>,
    written: Vec<(u8, u64, Hash)>,
}

impl NodeStore for Nodes {
    type Error = std::convert::Infallible;

    fn get(&self, level: u8, index: u64) -> Result<Option<Hash>, Self::Error> {
        Ok(self.known.get(&(level, index)).copied())
    }

    fn put(&mut self, level: u8, index: u64, hash: Hash) -> Result<(), Self::Error> {
        self.known.insert((level, index), hash);
        self.written.push((level, index, hash));
        Ok(())
    }
}

/// Runs a read of the tree of `size` leaves, fetching the nodes it needs:
/// each time `op` reports a missing node, that node is fetched and `op` runs
/// again. `missing_of` finds a missing-node report inside `op`'s error.
pub async fn read_tree<T, E>(
    tx: &mut dyn Tx,
    size: u64,
    mut op: impl FnMut(&MerkleTree<NodesRead>) -> Result<T, E>,
    missing_of: impl Fn(&E) -> Option<(u8, u64)>,
    describe: impl Fn(E) -> String,
) -> Result<T, AuditError> {
    let mut nodes = NodesRead::default();
    loop {
        let tree = MerkleTree::open(nodes, size);
        match op(&tree) {
            Ok(value) => return Ok(value),
            Err(e) => match missing_of(&e) {
                Some((level, index)) => {
                    let hash = node(tx, level, index).await?.ok_or_else(|| missing(level, index))?;
                    nodes = tree.store().clone();
                    nodes.0.insert((level, index), hash);
                }
                None => return Err(AuditError::Tree(describe(e))),
            },
        }
    }
}

/// A read-only node cache for [`read_tree`].
#[derive(Debug, Default, Clone)]
pub struct NodesRead(HashMap<(u8, u64), Hash>);

impl NodeStore for NodesRead {
    type Error = std::convert::Infallible;

    fn get(&self, level: u8, index: u64) -> Result<Option<Hash>, Self::Error> {
        Ok(self.0.get(&(level, index)).copied())
    }

    fn put(&mut self, _level: u8, _index: u64, _hash: Hash) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// The missing node a tree error reports, if that is what it is.
pub fn missing_node<E: std::error::Error>(error: &TreeError<E>) -> Option<(u8, u64)> {
    match error {
        TreeError::MissingNode { level, index } => Some((*level, *index)),
        _ => None,
    }
}

/// The current log size (a read transaction's view).
pub async fn log_size(tx: &mut dyn Tx) -> Result<u64, AuditError> {
    let row = tx.fetch_one("SELECT size FROM log_head WHERE singleton = 1", args![]).await?;
    u64::try_from(row.int(0)?).map_err(|_| AuditError::Tree("negative log size".into()))
}

/// The canonical bytes of entries `start..end`.
pub async fn entries(tx: &mut dyn Tx, start: u64, end: u64) -> Result<Vec<Vec<u8>>, AuditError> {
    let rows =
        tx.fetch("SELECT entry FROM audit_entry WHERE idx >= $1 AND idx < $2 ORDER BY idx", args![to_i64(start)?, to_i64(end)?]).await?;
    rows.iter().map(|r| r.bytes(0).map_err(AuditError::from)).collect()
}

/// The latest signed checkpoint, if any.
pub async fn latest_checkpoint(tx: &mut dyn Tx) -> Result<Option<(String, Checkpoint)>, AuditError> {
    let row = tx.fetch_optional("SELECT note FROM checkpoint ORDER BY size DESC LIMIT 1", args![]).await?;
    let Some(row) = row else { return Ok(None) };
    let note = row.text(0)?;
    let text = note.split("\n\n").next().unwrap_or_default().to_owned() + "\n";
    let checkpoint = Checkpoint::parse(&text).map_err(|e| AuditError::Sign(e.to_string()))?;
    Ok(Some((note, checkpoint)))
}

/// The decoded entry at `index`.
async fn entry_at(tx: &mut dyn Tx, index: u64) -> Result<AuditEntry, AuditError> {
    let row = tx.fetch_one("SELECT entry FROM audit_entry WHERE idx = $1", args![to_i64(index)?]).await?;
    Ok(AuditEntry::decode(&row.bytes(0)?)?)
}

/// The first entry of a log of `size` recorded at or after `time` (a log
/// time, `YYYY-MM-DDTHH:MM:SS.mmmZ`), by binary search: `size` when none is.
///
/// The log's times rise with its indexes, to within the few milliseconds
/// two writers wait on each other for the log head (each takes its time
/// before the lock), so an entry that close to the boundary may fall either
/// side of it. A clock set back would break the order; the times then read
/// as they were recorded, and the search still ends.
pub async fn first_at_or_after(tx: &mut dyn Tx, size: u64, time: &str) -> Result<u64, AuditError> {
    let (mut low, mut high) = (0, size);
    while low < high {
        let middle = low + (high - low) / 2;
        if entry_at(tx, middle).await?.server_time.as_str() < time {
            low = middle + 1;
        } else {
            high = middle;
        }
    }
    Ok(low)
}

/// Filters for [`browse`]: each one given must match.
#[derive(Debug, Default)]
pub struct EntryFilter {
    /// The acting user's id, or a system actor's name.
    pub actors: Vec<String>,
    /// An action, or the start of one: `policy` matches `policy.bind`.
    pub action: Option<String>,
    /// Text in the resource's type or id, in any case: a policy number.
    pub resource: Option<String>,
}

impl EntryFilter {
    fn matches(&self, entry: &AuditEntry) -> bool {
        let actor = self.actors.is_empty() || self.actors.iter().any(|a| a == &entry.actor_user);
        let action = self
            .action
            .as_deref()
            .is_none_or(|a| entry.action == a || entry.action.strip_prefix(a).is_some_and(|rest| rest.starts_with('.')));
        let resource = self.resource.as_deref().is_none_or(|r| {
            let r = r.to_lowercase();
            entry.resource_id.to_lowercase().contains(&r) || entry.resource_type.to_lowercase() == r
        });
        actor && action && resource
    }
}

/// Entries read at a time while browsing.
const BROWSE_BATCH: u64 = 500;
/// The most entries one page reads looking for matches; the page then ends
/// early with a cursor, so a rare match in a long log never holds a request.
const BROWSE_SCAN: u64 = 20_000;

/// Up to `limit` entries of `start..end` below `before` that pass `filter`,
/// newest first, with the index to continue below (none when `start` was
/// reached).
pub async fn browse(
    tx: &mut dyn Tx,
    (start, end): (u64, u64),
    before: Option<u64>,
    filter: &EntryFilter,
    limit: usize,
) -> Result<(Vec<(u64, AuditEntry)>, Option<u64>), AuditError> {
    let mut upto = before.map_or(end, |b| b.min(end));
    let mut found = Vec::new();
    let mut scanned = 0;
    while upto > start && found.len() < limit && scanned < BROWSE_SCAN {
        let from = upto.saturating_sub(BROWSE_BATCH).max(start);
        let rows = tx
            .fetch("SELECT idx, entry FROM audit_entry WHERE idx >= $1 AND idx < $2 ORDER BY idx DESC", args![to_i64(from)?, to_i64(upto)?])
            .await?;
        for row in rows {
            let index = u64::try_from(row.int(0)?).map_err(|_| AuditError::Tree("negative index".into()))?;
            let entry = AuditEntry::decode(&row.bytes(1)?)?;
            upto = index;
            scanned += 1;
            if filter.matches(&entry) {
                found.push((index, entry));
                if found.len() == limit {
                    break;
                }
            }
        }
        if upto > from {
            // The batch ended early on the limit.
            break;
        }
    }
    Ok((found, (upto > start).then_some(upto)))
}
