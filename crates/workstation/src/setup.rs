//! The first launch: work offline at once, or enroll with a sync server.

use time::OffsetDateTime;

use crate::{Workstation, WorkstationError};

impl Workstation {
    /// How the workstation was set up on its first launch: `None` until the
    /// agent chooses to work offline or enrolls.
    pub fn setup_mode(&self) -> Result<Option<String>, WorkstationError> {
        Ok(self.store.setup_mode()?)
    }

    /// The first-launch choice to work offline at once. The device may
    /// still enroll later from the Sync screen.
    pub fn work_offline(&mut self, now: OffsetDateTime) -> Result<(), WorkstationError> {
        Ok(self.store.record_setup("offline", now)?)
    }
}
