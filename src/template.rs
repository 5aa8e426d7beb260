//! Named templates: the cadences, scripts and checklists a seminar copies from. The three are one
//! store over their own tables: a row per template with a unique name and its content as JSON; the
//! built-in default is not stored, it comes first in every list.

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{invalid, Result};
use crate::validate;

/// Where one kind of template is kept.
pub struct Store {
    pub table: &'static str,
    /// The column holding a template's content (JSON).
    pub content: &'static str,
    /// The condition that tells templates from seminars' own copies when the table holds both
    /// (`seminar_id IS NULL`); `None` when it holds templates only.
    pub only: Option<&'static str>,
    /// The column of the time a template was saved.
    pub stamp: &'static str,
    /// Whether saving over a template sets that time again.
    pub restamp: bool,
    /// What a template is called in messages: (Chinese, English).
    pub what: (&'static str, &'static str),
}

/// A saved template as stored: its content is read by the module that owns it.
pub struct Saved {
    pub id: i64,
    pub name: String,
    pub json: String,
}

impl Store {
    fn and_only(&self) -> String {
        self.only.map(|c| format!(" AND {c}")).unwrap_or_default()
    }

    /// The built-in `default`, then the saved templates by name, each made by `read`.
    pub fn list<T>(
        &self,
        conn: &Connection,
        default: T,
        read: impl FnMut(Saved) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut stmt = conn.prepare(&format!(
            "SELECT id, name, {} FROM {} WHERE 1{} ORDER BY name",
            self.content,
            self.table,
            self.and_only()
        ))?;
        let saved = stmt
            .query_map([], |r| {
                Ok(Saved {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    json: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        std::iter::once(Ok(default))
            .chain(saved.into_iter().map(read))
            .collect()
    }

    /// A saved template's name and content; a sentence the user can act on when it is gone.
    pub fn get(&self, conn: &Connection, id: i64) -> Result<(String, String)> {
        let row = conn
            .query_row(
                &format!(
                    "SELECT name, {} FROM {} WHERE id = ?1{}",
                    self.content,
                    self.table,
                    self.and_only()
                ),
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        row.ok_or_else(|| {
            let (zh, en) = self.what;
            invalid(
                "template_id",
                format!("找不到{zh}（编号 {id}），它可能已被删除。"),
                format!("No {en} with id {id}; it may have been deleted."),
            )
        })
    }

    /// Saves `json` as the template `name`, over the content of a template of that name.
    pub fn save(&self, conn: &Connection, name: &str, json: &str, now: &str) -> Result<()> {
        let (table, content, stamp) = (self.table, self.content, self.stamp);
        let target = self.only.map(|c| format!(" WHERE {c}")).unwrap_or_default();
        let restamp = if self.restamp {
            format!(", {stamp} = excluded.{stamp}")
        } else {
            String::new()
        };
        conn.execute(
            &format!(
                "INSERT INTO {table} (name, {content}, {stamp}) VALUES (?1, ?2, ?3)
                 ON CONFLICT (name){target} DO UPDATE SET {content} = excluded.{content}{restamp}"
            ),
            params![name, json, now],
        )?;
        Ok(())
    }
}

/// The name to save a template under, when the caller asked for one (`save_as_template`).
pub fn name_to_save(name: Option<&str>) -> Result<Option<String>> {
    name.map(|t| validate::text("save_as_template", ("模板名称", "template name"), t, 40))
        .transpose()
}
