/*!
The desktop's IPC contract, with no Tauri inside: what each command of the
desktop shell (`src-tauri`) returns, and the one error shape they share.

Each view is a serialisable counterpart of a workstation result, converted by
hand (`From`), so the workstation's types can change without the UI noticing
and the conversions are tested here with plain unit tests. [`bindings`]
writes the TypeScript declarations of every type that crosses the IPC into
`ui/src/bindings.ts`.

**Architecture invariants:**
- Money crosses as decimal strings: the UI never holds a premium in a
  JavaScript float.
- The envelope is camelCase: command arguments (Tauri's default) and every
  view's fields. Documents that are stored or signed as they are (the quote
  the engine rates, a draft's form, a policy) keep their own snake_case
  field names; the views carry them whole.
- Errors reach the UI as [`CommandError`] `{code, message, fields?}`; the UI
  switches on `code`, never on `message`.
*/

pub mod bindings;
pub mod console;
pub mod desk;
mod error;
pub mod policies;
pub mod quotes;
pub mod rates;
pub mod sync;

pub use error::{parse_date, CommandError, FieldError};
