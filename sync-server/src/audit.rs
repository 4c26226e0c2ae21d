//! The audit log in the database: appends inside a mutation's transaction,
//! tree reads for proofs and checkpoints, and signed checkpoints.
//!
//! The tree's node hashes live in `audit_node`; an append reads only the
//! right edge of the tree (one node per level at most) and writes the
//! subtrees the new leaf completes. Reads (roots, proofs, exports) fetch the
//! nodes they need on demand.

use std::collections::HashMap;

use time::OffsetDateTime;
use uw_ledger::merkle::{Hash, MerkleTree, NodeStore, TreeError};
use uw_ledger::{AuditEntry, Checkpoint};

use crate::storage::{args, Storage, StorageError, Tx, TxMode};

/// A point a [`Mutation`] can roll back to: the log size there.
#[derive(Debug)]
#[must_use = "a savepoint is released or rolled back to"]
pub struct Savepoint {
    size: u64,
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
pub struct Mutation {
    pub tx: Box<dyn Tx>,
    size: u64,
    pub request_id: String,
    pub now: OffsetDateTime,
}

impl std::fmt::Debug for Mutation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mutation").field("size", &self.size).field("request_id", &self.request_id).finish_non_exhaustive()
    }
}

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
        let mut tx = storage.begin(TxMode::Write).await?;
        let row = tx.fetch_one("UPDATE log_head SET size = size WHERE singleton = 1 RETURNING size", args![]).await?;
        let size = u64::try_from(row.int(0)?).map_err(|_| AuditError::Tree("negative log size".into()))?;
        Ok(Self { tx, size, request_id: request_id.to_owned(), now: OffsetDateTime::now_utc() })
    }

    /// The log's size inside this transaction.
    pub fn log_size(&self) -> u64 {
        self.size
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
        // The append reads the tree's right edge: the left sibling at each
        // level where the new leaf closes a subtree.
        let mut nodes = Nodes::default();
        let mut level = 0u8;
        while (index >> level) & 1 == 1 {
            let sibling = (index >> level) - 1;
            let hash = node(&mut *self.tx, level, sibling).await?.ok_or_else(|| missing(level, sibling))?;
            nodes.known.insert((level, sibling), hash);
            level += 1;
        }
        let mut tree = MerkleTree::open(nodes, index);
        tree.append_hash(leaf).map_err(|e| AuditError::Tree(e.to_string()))?;
        let idx = to_i64(index)?;
        self.tx.execute("INSERT INTO audit_entry (idx, entry, leaf_hash) VALUES ($1, $2, $3)", args![idx, bytes, &leaf]).await?;
        for (level, i, hash) in &tree.store().written {
            self.tx
                .execute("INSERT INTO audit_node (level, idx, hash) VALUES ($1, $2, $3)", args![i64::from(*level), to_i64(*i)?, hash])
                .await?;
        }
        self.tx.execute("UPDATE log_head SET size = $1 WHERE singleton = 1", args![idx + 1]).await?;
        self.size += 1;
        Ok(index)
    }

    /// Publishes a change for pull at the log index of this mutation's last
    /// audit entry. `user_id` None: every user sees it.
    pub async fn publish(&mut self, index: u64, user_id: Option<&str>, body: &uw_protocol::ChangeBody) -> Result<(), AuditError> {
        let json = serde_json::to_value(body).map_err(|e| AuditError::Tree(e.to_string()))?;
        let kind = json["kind"].as_str().unwrap_or_default().to_owned();
        self.tx
            .execute(
                "INSERT INTO change_feed (log_index, user_id, kind, body) VALUES ($1, $2, $3, $4)",
                args![to_i64(index)?, user_id, kind, json["body"].to_string()],
            )
            .await?;
        Ok(())
    }

    /// Marks a point this transaction can roll back to (see
    /// [`Mutation::rollback_to`]); one at a time.
    pub async fn savepoint(&mut self) -> Result<Savepoint, AuditError> {
        self.tx.execute("SAVEPOINT mutation_part", args![]).await?;
        Ok(Savepoint { size: self.size })
    }

    /// Keeps what was done since `savepoint`.
    pub async fn release(&mut self, savepoint: Savepoint) -> Result<(), AuditError> {
        let Savepoint { size: _ } = savepoint;
        self.tx.execute("RELEASE SAVEPOINT mutation_part", args![]).await?;
        Ok(())
    }

    /// Undoes everything since `savepoint`, log appends included; the rest
    /// of the transaction goes on (on PostgreSQL, even after a failed
    /// statement).
    pub async fn rollback_to(&mut self, savepoint: Savepoint) -> Result<(), AuditError> {
        self.tx.execute("ROLLBACK TO SAVEPOINT mutation_part", args![]).await?;
        self.tx.execute("RELEASE SAVEPOINT mutation_part", args![]).await?;
        self.size = savepoint.size;
        Ok(())
    }

    pub async fn commit(self) -> Result<(), AuditError> {
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
