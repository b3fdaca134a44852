//! Reading inputs and writing outputs, shared by the commands.

use std::fmt;
use std::io::{Read, Write};
use taolab::limits::MAX_INPUT_BYTES;

/// A command's failure: one line for stderr.
#[derive(Debug)]
pub struct CliError(pub String);

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<taolab::Error> for CliError {
    fn from(e: taolab::Error) -> Self {
        CliError(e.to_string())
    }
}

impl CliError {
    /// The reader of the output went away (`taolab … | head`): not a failure of the command.
    /// It has an empty message; `main` exits quietly with success on it.
    pub fn broken_pipe() -> CliError {
        CliError(String::new())
    }

    /// Whether this is [`CliError::broken_pipe`].
    pub fn is_broken_pipe(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return CliError::broken_pipe();
        }
        CliError(format!("i/o: {e}"))
    }
}

impl From<serde_json::Error> for CliError {
    fn from(e: serde_json::Error) -> Self {
        if e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe) {
            return CliError::broken_pipe();
        }
        CliError(format!("json: {e}"))
    }
}

pub type CliResult<T = ()> = Result<T, CliError>;

/// `println!` that returns a failed write as the command's error instead of panicking (a
/// closed pipe then ends the command quietly: [`CliError::broken_pipe`]).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*).map_err($crate::io::CliError::from)?
    }};
}

/// Reads a whole input (`-` = stdin), refusing anything over [`MAX_INPUT_BYTES`] before it
/// is held in memory.
pub fn read_input(path: &str) -> CliResult<String> {
    let mut buf = Vec::new();
    let limit = MAX_INPUT_BYTES as u64 + 1;
    if path == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut buf)?;
    } else {
        let f = std::fs::File::open(path)
            .map_err(|e| CliError(format!("input: cannot open {path}: {e}")))?;
        f.take(limit).read_to_end(&mut buf)?;
    }
    if buf.len() > MAX_INPUT_BYTES {
        return Err(CliError(format!(
            "input is larger than the limit of {MAX_INPUT_BYTES} bytes"
        )));
    }
    String::from_utf8(buf).map_err(|_| CliError("input is not valid UTF-8".into()))
}

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> CliResult {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Output format of the table-producing commands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// JSON, the interface contract.
    Json,
    /// CSV, long form: one row per value.
    Csv,
    /// Human-readable tables.
    Table,
}

/// Formats a float for CSV/tables: shortest round-trip form.
pub fn num(x: f64) -> String {
    format!("{x}")
}
