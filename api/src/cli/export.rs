//! `registry export`: a list to a file or standard output; a snapshot of every list into a directory;
//! the delta after a cursor into a directory. Everything one run writes is read in one read
//! transaction, so the files agree with each other and with the cursor written beside them.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use chrono::NaiveDate;
use sea_orm::DatabaseConnection;

use crate::i18n::Language;
use crate::policy::Viewer;
use crate::services::changes::FeedCursor;
use crate::services::export::{self, ExportFormat, ExportList, TextEncoding, WriteSink, Writer};

/// Who exports, on which date, in which format.
pub struct Export {
    pub viewer: Viewer,
    pub today: NaiveDate,
    pub format: ExportFormat,
    pub encoding: TextEncoding,
}

/// An error of the registry as the command line says it.
fn said(err: crate::error::ApiError) -> anyhow::Error {
    anyhow::anyhow!(err.message().render(Language::of_locale()))
}

/// A buffered file, created anew.
fn create(path: &Path) -> anyhow::Result<std::io::BufWriter<std::fs::File>> {
    let file = std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(std::io::BufWriter::new(file))
}

/// Writes `text` to the file at `path`.
fn write_text(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

impl Export {
    fn writer<W: Write>(&self, out: W) -> Writer<WriteSink<W>> {
        Writer::new(self.format, self.encoding, WriteSink(out))
    }

    fn file_of(&self, directory: &Path, list: ExportList) -> std::path::PathBuf {
        directory.join(format!("{}.{}", list.name(), self.format.extension()))
    }

    /// Writes `list` under `filter` (JSON) to `output`, or to standard output.
    pub async fn list(
        &self,
        db: &DatabaseConnection,
        list: &str,
        filter: Option<&str>,
        output: Option<&Path>,
    ) -> anyhow::Result<()> {
        let list = ExportList::parse("list", list).map_err(said)?;
        let filter = filter
            .map(serde_json::from_str)
            .transpose()
            .context("--filter is not JSON")?;
        let selection = crate::graphql::query::export::selection(db, self.today, list, filter)
            .await
            .map_err(said)?;
        let txn = export::begin_read(db, None).await.map_err(said)?;
        let out: Box<dyn Write> = match output {
            Some(path) => Box::new(create(path)?),
            None => Box::new(std::io::stdout().lock()),
        };
        let mut writer = self.writer(out);
        let rows = export::export_list(&txn, &self.viewer, self.today, &selection, &mut writer)
            .await
            .map_err(said)?;
        writer.finish().await.map_err(said)?.0.flush()?;
        let cursor = export::cursor(&txn).await.map_err(said)?;
        tracing::info!(export.list = list.name(), export.rows = rows, export.cursor = %cursor.encode(), "export written");
        Ok(())
    }

    /// Writes every list into `directory`, and the cursor they correspond to into its file `cursor`.
    pub async fn snapshot(&self, db: &DatabaseConnection, directory: &Path) -> anyhow::Result<()> {
        std::fs::create_dir_all(directory)
            .with_context(|| format!("cannot create {}", directory.display()))?;
        let txn = export::begin_read(db, None).await.map_err(said)?;
        let cursor = export::cursor(&txn).await.map_err(said)?;
        for list in ExportList::ALL {
            let mut writer = self.writer(create(&self.file_of(directory, list))?);
            let rows = export::export_snapshot_list(&txn, &self.viewer, self.today, list, &mut writer)
                .await
                .map_err(said)?;
            writer.finish().await.map_err(said)?.0.flush()?;
            super::print(&format!("{}\t{rows} rows\n", list.name()))?;
        }
        write_text(&directory.join("cursor"), &format!("{}\n", cursor.encode()))?;
        super::print(&format!("cursor\t{}\n", cursor.encode()))?;
        Ok(())
    }

    /// Writes into `directory` what changed after cursor `since`: per list, the changed records and the
    /// global IDs of records that left it (`<list>.removed`), and the new cursor in `cursor`.
    pub async fn delta(&self, db: &DatabaseConnection, since: &str, directory: &Path) -> anyhow::Result<()> {
        let since = FeedCursor::decode("since", Some(since)).map_err(said)?;
        std::fs::create_dir_all(directory)
            .with_context(|| format!("cannot create {}", directory.display()))?;
        let txn = export::begin_read(db, None).await.map_err(said)?;
        let changed = export::changed_since(&txn, &self.viewer, since)
            .await
            .map_err(said)?;
        for list in ExportList::ALL {
            let mut writer = self.writer(create(&self.file_of(directory, list))?);
            let removed = export::export_delta(&txn, &self.viewer, self.today, list, &changed, &mut writer)
                .await
                .map_err(said)?;
            let rows = writer.rows;
            writer.finish().await.map_err(said)?.0.flush()?;
            let removed_lines: String = removed.iter().map(|id| format!("{id}\n")).collect();
            write_text(
                &directory.join(format!("{}.removed", list.name())),
                &removed_lines,
            )?;
            super::print(&format!(
                "{}\t{rows} changed, {} removed\n",
                list.name(),
                removed.len()
            ))?;
        }
        write_text(
            &directory.join("cursor"),
            &format!("{}\n", changed.cursor.encode()),
        )?;
        super::print(&format!("cursor\t{}\n", changed.cursor.encode()))?;
        Ok(())
    }
}
