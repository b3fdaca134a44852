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
/// is held in memory. `flag` names the option that gave `path` in the messages
/// (`--input /tmp: is a directory, expected a file`).
pub fn read_input(flag: &str, path: &str) -> CliResult<String> {
    let mut buf = Vec::new();
    let limit = MAX_INPUT_BYTES as u64 + 1;
    let what = if path == "-" { "stdin" } else { path };
    let cannot_read = |e: std::io::Error| CliError(format!("{flag} {what}: cannot read: {e}"));
    if path == "-" {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut buf)
            .map_err(cannot_read)?;
    } else {
        let f = std::fs::File::open(path)
            .map_err(|e| CliError(format!("{flag} {path}: cannot open: {e}")))?;
        // A directory opens on Unix; only its read fails, with an error that names no path.
        if f.metadata().is_ok_and(|m| m.is_dir()) {
            return Err(CliError(format!(
                "{flag} {path}: is a directory, expected a file"
            )));
        }
        f.take(limit).read_to_end(&mut buf).map_err(cannot_read)?;
    }
    if buf.len() > MAX_INPUT_BYTES {
        return Err(CliError(format!(
            "{flag} {what}: larger than the limit of {MAX_INPUT_BYTES} bytes"
        )));
    }
    String::from_utf8(buf).map_err(|_| CliError(format!("{flag} {what}: not valid UTF-8")))
}

/// A core error about a value that came from the command-line option `flag`, named after
/// the option: `--variant: unknown value 'yuma9' (expected one of: …)` rather than
/// `variant: …`, as the options that the CLI checks itself read.
pub fn flag_error(flag: &str, e: taolab::Error) -> CliError {
    match e {
        taolab::Error::Unknown {
            value, expected, ..
        } => CliError(format!(
            "{flag}: unknown value '{value}' (expected one of: {expected})"
        )),
        // `is -1, outside [0, 1]` reads on from the name; other reasons follow a colon.
        taolab::Error::InvalidValue { reason, .. } if reason.starts_with("is ") => {
            CliError(format!("{flag} {reason}"))
        }
        taolab::Error::InvalidValue { reason, .. } => CliError(format!("{flag}: {reason}")),
        other => CliError(format!("{flag}: {other}")),
    }
}

/// An epoch rule given on the command line (`--variant`).
pub fn parse_variant(s: &str) -> CliResult<taolab::yuma::Variant> {
    s.parse().map_err(|e| flag_error("--variant", e))
}

/// Value parser of the whole-number options: negative numbers reach it (the options allow
/// them, so that `--seed -1` is not taken for an unknown option `-1`) and get a range in the
/// message.
pub fn whole_u64(s: &str) -> Result<u64, String> {
    s.trim()
        .parse()
        .map_err(|_| format!("expected a whole number from 0 to {}", u64::MAX))
}

/// [`whole_u64`] for counts and sizes.
pub fn whole_usize(s: &str) -> Result<usize, String> {
    s.trim()
        .parse()
        .map_err(|_| format!("expected a whole number from 0 to {}", usize::MAX))
}

/// Whether standard input is a terminal: a command that would read its input from there
/// asks for an input instead of waiting (it would look like a hang).
pub fn stdin_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal()
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

/// Formats a float for CSV: shortest round-trip form.
pub fn num(x: f64) -> String {
    format!("{x}")
}

/// A rao amount in TAO, exactly: `107988.447120001` (no trailing zeros, no fraction when
/// whole), so that amounts printed side by side add up.
pub fn tao(rao: u128) -> String {
    let per = u128::from(taolab::emission::issuance::RAO_PER_TAO);
    let (whole, frac) = (rao / per, rao % per);
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{frac:09}")
            .trim_end_matches('0')
            .to_string()
    }
}

/// Formats a float for a table: four decimals between 1e-4 and 1e6 (and for 0), four
/// significant digits in exponent form beyond (`2.712e17`, not 18 digits and `.0000`).
pub fn short(x: f64) -> String {
    let a = x.abs();
    if a == 0.0 || !a.is_finite() || (1e-4..1e6).contains(&a) {
        format!("{x:.4}")
    } else {
        format!("{x:.3e}")
    }
}
