//! Where an import keeps its checked rows between the check and the write: an unnamed temporary file,
//! not memory, so an import holds one chunk at a time whatever the length of its list. The file is
//! gone when the import ends, however it ends (the operating system removes an unnamed file).

use std::fs::File;
use std::io::{BufReader, BufWriter, Seek};

use serde::{Serialize, de::DeserializeOwned};

use crate::error::{ApiError, ApiResult};

/// Rows written one after another as JSON values, then read back in the same order.
pub(super) struct Spill {
    file: BufWriter<File>,
}

/// Why the spill file failed: a disk that is full or gone, never the input's fault.
fn failed(err: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(format!("import spill file: {err}"))
}

impl Spill {
    /// An empty spill file in the system's temporary directory.
    pub(super) fn new() -> ApiResult<Self> {
        Ok(Self {
            file: BufWriter::new(tempfile::tempfile().map_err(failed)?),
        })
    }

    /// Adds `rows` after those added before.
    pub(super) fn extend<T: Serialize>(&mut self, rows: &[T]) -> ApiResult<()> {
        for row in rows {
            serde_json::to_writer(&mut self.file, row).map_err(failed)?;
        }
        Ok(())
    }

    /// The rows added, in order, `chunk` at a time.
    pub(super) fn chunks<T: DeserializeOwned>(
        self,
        chunk: usize,
    ) -> ApiResult<impl Iterator<Item = ApiResult<Vec<T>>>> {
        let mut file = self.file.into_inner().map_err(failed)?;
        file.rewind().map_err(failed)?;
        let mut rows = serde_json::Deserializer::from_reader(BufReader::new(file)).into_iter::<T>();
        Ok(std::iter::from_fn(move || {
            let taken: Result<Vec<T>, _> = rows.by_ref().take(chunk).collect();
            match taken {
                Ok(taken) if taken.is_empty() => None,
                Ok(taken) => Some(Ok(taken)),
                Err(err) => Some(Err(failed(err))),
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_back_in_order_a_chunk_at_a_time() {
        let mut spill = Spill::new().unwrap();
        let rows: Vec<(u64, String)> = (0..7).map(|i| (i, format!("行 {i}"))).collect();
        spill.extend(&rows[..4]).unwrap();
        spill.extend(&rows[4..]).unwrap();
        let chunks: Vec<Vec<(u64, String)>> = spill.chunks(3).unwrap().map(Result::unwrap).collect();
        assert_eq!(chunks.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 1]);
        assert_eq!(chunks.concat(), rows);
    }
}
