//! The lookup tables the manifest declares, each compiled from its CSV file.

use std::collections::{BTreeMap, HashMap};

use toml::Spanned;

use super::Ctx;
use crate::pack::error::PackError;
use crate::pack::raw::RawTable;
use crate::pack::table::{KeyMatch, Table};

/// The tables in name order, and each name's index among them.
pub(super) fn tables(ctx: &Ctx<'_>, raw: &BTreeMap<String, Spanned<RawTable>>) -> Result<(Vec<Table>, HashMap<String, usize>), PackError> {
    let files = ctx.files;
    let mut tables = Vec::with_capacity(raw.len());
    let mut table_index = HashMap::new();
    for (name, table) in raw {
        let spec = table.get_ref();
        let mut keys = Vec::with_capacity(spec.keys.len());
        if spec.keys.is_empty() || spec.keys.len() > 2 {
            return Err(ctx.invalid(table.span(), format!("tables.{name}.keys"), "a table has one or two keys"));
        }
        for (i, k) in spec.keys.iter().enumerate() {
            let m = KeyMatch::parse(&k.get_ref().match_kind).ok_or_else(|| {
                ctx.invalid(
                    k.span(),
                    format!("tables.{name}.keys[{i}].match"),
                    format!("`{}` is not exact, band or interpolate", k.get_ref().match_kind),
                )
            })?;
            keys.push((k.get_ref().column.clone(), m));
        }
        let file = spec.file.get_ref();
        let text = files.files.get(file).ok_or_else(|| PackError::MissingFile { path: files.path_of(file) })?;
        table_index.insert(name.clone(), tables.len());
        tables.push(Table::compile(name, &files.path_of(file), text, keys)?);
    }
    Ok((tables, table_index))
}
