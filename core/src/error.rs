//! One error type for the whole crate. Errors are values: bad input names the field and the
//! index (`weights[3][7] is NaN`), never a panic.

use alloc::string::{String, ToString};
use core::fmt;

/// Result alias used across the crate.
pub type Result<T> = core::result::Result<T, Error>;

/// Everything that can go wrong with user input or a model run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A single value is unusable: NaN, infinite, negative, out of range.
    /// `field` is a path such as `epochs[2].weights[3][7]`.
    InvalidValue {
        /// Path of the offending value.
        field: String,
        /// What is wrong with it (`is NaN`, `is negative (-1)`).
        reason: String,
    },
    /// Shapes that must agree do not (`stakes has 4 entries, weights has 5 rows`).
    Shape {
        /// Full sentence naming both fields.
        message: String,
    },
    /// An input is larger than the documented limit (see [`crate::limits`]).
    TooLarge {
        /// The field that is too large.
        field: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A name that is not one of the known values (variant, case, preset).
    Unknown {
        /// Field that held the name.
        field: String,
        /// The name given.
        value: String,
        /// The accepted values, comma separated.
        expected: String,
    },
    /// A document could not be decoded (JSON/TOML syntax, unknown field, wrong type).
    Parse {
        /// The decoder's message, with line and column where known.
        message: String,
    },
}

impl Error {
    /// A bad value at `field`.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidValue {
            field: field.into(),
            reason: reason.into(),
        }
    }
    /// A shape mismatch, described in a full sentence.
    pub fn shape(message: impl Into<String>) -> Self {
        Error::Shape {
            message: message.into(),
        }
    }
    /// An input over its limit.
    pub fn too_large(field: impl Into<String>, size: usize, limit: usize) -> Self {
        Error::TooLarge {
            field: field.into(),
            size: size as u64,
            limit: limit as u64,
        }
    }
    /// An unknown name.
    pub fn unknown(field: impl Into<String>, value: impl Into<String>, expected: &str) -> Self {
        Error::Unknown {
            field: field.into(),
            value: value.into(),
            expected: expected.to_string(),
        }
    }
    /// A decoding error.
    pub fn parse(message: impl Into<String>) -> Self {
        Error::Parse {
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidValue { field, reason } => write!(f, "{field} {reason}"),
            Error::Shape { message } => f.write_str(message),
            Error::TooLarge { field, size, limit } => {
                write!(f, "{field} has {size} entries, over the limit of {limit}")
            }
            Error::Unknown {
                field,
                value,
                expected,
            } => {
                write!(
                    f,
                    "{field}: unknown value '{value}' (expected one of: {expected})"
                )
            }
            Error::Parse { message } => write!(f, "invalid input: {message}"),
        }
    }
}

#[cfg(feature = "std")]
impl std::error::Error for Error {}

#[cfg(feature = "serde")]
impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::parse(alloc::format!("{e}"))
    }
}

/// Decodes JSON after the input size limit. A value that does not decode is named by its
/// path, so that the one-line message says where it is:
/// `epochs[0].stakes[1]: invalid type: string "x", expected f64 at line 1 column 69`.
///
/// The path is read back from the text up to the error's position ([`json_path_at`]), so it
/// costs nothing per input type (a path-tracking deserializer added 32 KB of gzipped wasm).
#[cfg(feature = "serde")]
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    check_input_size(text)?;
    if let Some(kind) = not_an_object(text) {
        return Err(Error::parse(alloc::format!(
            "expected a JSON object at the top level, found {kind}"
        )));
    }
    serde_json::from_str(text).map_err(|e| json_error(text, e))
}

/// What a document holds at the top level when that is a JSON value other than an object
/// (every input is one): serde's own message for an array would count the struct's fields.
#[cfg(feature = "serde")]
fn not_an_object(text: &str) -> Option<&'static str> {
    let first = text
        .bytes()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))?;
    match first {
        b'[' => Some("an array"),
        b'"' => Some("a string"),
        b't' | b'f' => Some("a boolean"),
        b'n' => Some("null"),
        b'-' | b'0'..=b'9' => Some("a number"),
        _ => None,
    }
}

/// The document size limit, checked before a decoder allocates anything.
#[cfg(feature = "serde")]
fn check_input_size(text: &str) -> Result<()> {
    let limit = crate::limits::MAX_INPUT_BYTES;
    if text.len() > limit {
        Err(Error::too_large("input", text.len(), limit))
    } else {
        Ok(())
    }
}

/// [`from_json`]'s error for `text`: the path of the value, then serde_json's message. Not
/// generic, so that it is compiled once for every input type.
#[cfg(feature = "serde")]
#[inline(never)]
fn json_error(text: &str, e: serde_json::Error) -> Error {
    if e.is_eof() || e.line() == 0 {
        return Error::from(e);
    }
    let message = alloc::format!("{e}");
    // A row or a matrix over a size limit (`crate::limits`) is named without the entry that
    // passed it, an unknown field by its object (the message names the field).
    let over_limit = message.starts_with("over the limit");
    let drop_last = over_limit || message.starts_with("unknown field");
    // A value error points at the value's last character (the `}` of an object missing a
    // field), a syntax error at the character that does not fit, a size limit at the one
    // after the entry: those are not read.
    let column = if e.is_data() && !over_limit {
        e.column()
    } else {
        e.column().saturating_sub(1)
    };
    match json_path_at(text, e.line(), column, drop_last) {
        Some(path) => Error::parse(alloc::format!("{path}: {message}")),
        None => Error::parse(message),
    }
}

/// The path (`epochs[0].weights[1][2]`, as the validation messages write it) of the value
/// being read at 1-based `line` and `column` of a JSON text, found by scanning the text up
/// to there (`column` bytes of that line, as serde_json counts them); without the last key
/// or index if `drop_last`. `None` at the top level.
#[cfg(feature = "serde")]
fn json_path_at(
    text: &str,
    line: usize,
    column: usize,
    drop_last: bool,
) -> Option<alloc::string::String> {
    use alloc::vec::Vec;
    /// An open object (the key being read or last read) or array (the index).
    enum Frame<'a> {
        Object(Option<&'a str>),
        Array(usize),
    }
    let bytes = text.as_bytes();
    let mut start = 0;
    for _ in 1..line {
        start += bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
    }
    let end = text.len().min(start + column);
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'"' => {
                let from = i + 1;
                i = from;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object(key @ None)) = stack.last_mut() {
                    *key = text.get(from..i.min(text.len()));
                }
            }
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array(index)) => *index += 1,
                Some(Frame::Object(key)) => *key = None,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    if drop_last {
        match stack.last_mut() {
            Some(Frame::Object(key)) => *key = None,
            Some(Frame::Array(_)) => {
                stack.pop();
            }
            None => {}
        }
    }
    let mut path = alloc::string::String::new();
    for frame in &stack {
        match frame {
            Frame::Array(index) => path += &alloc::format!("[{index}]"),
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object(None) => break,
        }
    }
    (!path.is_empty()).then_some(path)
}

/// Decodes TOML (after the input size limit), with a decoding error on one line:
/// `line L, column C: message` (`toml`'s own display spreads over several lines with an
/// excerpt of the source).
#[cfg(feature = "toml")]
pub(crate) fn from_toml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    check_input_size(text)?;
    toml::from_str(text).map_err(|e| {
        let msg = e.message().trim().replace('\n', " ");
        match e.span().and_then(|sp| text.get(..sp.start)) {
            Some(before) => {
                let line = before.matches('\n').count() + 1;
                let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                Error::parse(alloc::format!("line {line}, column {column}: {msg}"))
            }
            None => Error::parse(msg),
        }
    })
}

/// A number as the messages write it: plainly below 1e16, in exponent form from there
/// (`1e308`, not 309 digits).
pub struct Num(pub f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = self.0.abs();
        if !(1e16..=f64::MAX).contains(&a) {
            return write!(f, "{}", self.0);
        }
        // `{}` writes the shortest digits and then zeros (`15000…0`); they move into exponent
        // form here (`{:e}` would link a second float formatter into the wasm).
        let digits = alloc::format!("{a}");
        let digits = digits.as_bytes();
        let last = digits.iter().rposition(|&b| b != b'0').unwrap_or(0);
        if self.0 < 0.0 {
            f.write_str("-")?;
        }
        for (k, &b) in digits[..=last].iter().enumerate() {
            if k == 1 {
                f.write_str(".")?;
            }
            write!(f, "{}", char::from(b))?;
        }
        write!(f, "e{}", digits.len() - 1)
    }
}

/// Checks that every value of `xs` is finite, not negative and at most
/// [`crate::limits::MAX_FLOAT_VALUE`], as [`check_non_negative`] would one by one, naming
/// the first that is not as `field(i)`. The usual case, where every value passes, is one branch-free (vectorised) pass; the values are looked at one by one
/// only to name the one that fails.
pub fn check_all_non_negative(field: &dyn Fn(usize) -> String, xs: &[f64]) -> Result<()> {
    if !all_non_negative_par(xs) {
        for (i, &x) in xs.iter().enumerate() {
            check_non_negative(&|| field(i), x)?;
        }
    }
    Ok(())
}

/// [`all_non_negative`], natively under `parallel` in runs of 64K values on rayon's threads
/// once there are 1M or more (a batch of the consensus map holds 29M; one thread reads them
/// at memory speed in ~35 ms).
fn all_non_negative_par(xs: &[f64]) -> bool {
    #[cfg(all(feature = "parallel", not(target_arch = "wasm32")))]
    if xs.len() >= 1 << 20 {
        use rayon::prelude::*;
        return xs.par_chunks(1 << 16).all(all_non_negative);
    }
    all_non_negative(xs)
}

/// Whether every value is finite, not negative (−0.0 passes) and at most
/// [`crate::limits::MAX_FLOAT_VALUE`]. Not generic: one copy serves every caller.
#[inline(never)]
fn all_non_negative(xs: &[f64]) -> bool {
    // `x·0` is ±0 for a finite x and NaN for NaN or ±∞, so the OR of its bits has an exponent
    // bit set exactly when some value is not finite; the smallest value (a NaN is passed over)
    // is negative exactly when some value is. Eight lanes each, so that no lane waits on the
    // one before, and both reductions vectorise.
    // The largest value likewise, for the limit.
    let (mut lo, mut hi, mut bits) = ([0.0f64; 8], [0.0f64; 8], [0u64; 8]);
    let mut chunks = xs.chunks_exact(8);
    for c in &mut chunks {
        for (((l, h), b), &x) in lo.iter_mut().zip(&mut hi).zip(&mut bits).zip(c) {
            *l = if x < *l { x } else { *l };
            *h = if x > *h { x } else { *h };
            *b |= (x * 0.0).to_bits();
        }
    }
    for (((l, h), b), &x) in lo
        .iter_mut()
        .zip(&mut hi)
        .zip(&mut bits)
        .zip(chunks.remainder())
    {
        *l = if x < *l { x } else { *l };
        *h = if x > *h { x } else { *h };
        *b |= (x * 0.0).to_bits();
    }
    let negative = lo.iter().any(|&l| l < 0.0);
    let too_large = hi.iter().any(|&h| h > crate::limits::MAX_FLOAT_VALUE);
    let not_finite = bits.iter().fold(0, |a, &b| a | b) & 0x7FF0_0000_0000_0000 != 0;
    !negative && !too_large && !not_finite
}

/// Checks that a float is finite, not negative and at most
/// [`crate::limits::MAX_FLOAT_VALUE`]; names `field` otherwise.
pub fn check_non_negative(field: &dyn Fn() -> String, x: f64) -> Result<()> {
    if x.is_nan() {
        Err(Error::invalid(field(), "is NaN"))
    } else if x.is_infinite() {
        Err(Error::invalid(field(), "is infinite"))
    } else if x < 0.0 {
        Err(Error::invalid(
            field(),
            alloc::format!("is negative ({})", Num(x)),
        ))
    } else if x > crate::limits::MAX_FLOAT_VALUE {
        Err(Error::invalid(
            field(),
            alloc::format!(
                "is {}, over the limit of {}",
                Num(x),
                Num(crate::limits::MAX_FLOAT_VALUE)
            ),
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;
    use alloc::string::{String, ToString};
    use alloc::vec::Vec;

    #[cfg(feature = "serde")]
    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        a: Vec<f64>,
        b: Inner,
        #[serde(default)]
        m: alloc::collections::BTreeMap<String, Vec<f64>>,
    }

    #[cfg(feature = "serde")]
    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Inner {
        c: Vec<Vec<u16>>,
    }

    /// Decoding errors name the path of the value, read back from the text at the error's
    /// position: through nested objects and arrays, across lines, past strings holding `,`,
    /// `]` and escaped quotes; an unknown field by its object; none at the top or at the end.
    #[cfg(feature = "serde")]
    #[test]
    fn json_errors_name_the_path() {
        let err = |t: &str| from_json::<Doc>(t).unwrap_err().to_string();
        let cases = [
            (
                r#"{"a":[1,"x"],"b":{"c":[]}}"#,
                r#"a[1]: invalid type: string "x""#,
            ),
            (
                r#"{"a":[],"b":{"c":[[1],[1,70000]]}}"#,
                "b.c[1][1]: invalid value: integer `70000`, expected u16",
            ),
            (r#"{"a":[],"b":{"c":[],"e":1}}"#, "b: unknown field `e`"),
            (r#"{"a":[],"b":{}}"#, "b: missing field `c`"),
            (r#"{"a":[],"b":{"c":[]},"z":1}"#, "unknown field `z`"),
            (
                r#"{"a":[],"b":{"c":[]},"m":{"k,]}\"":[1,2,"x"]}}"#,
                r#"m.k,]}\"[2]: invalid type"#,
            ),
            (
                "{\n \"a\": [1,\n  2, \"x\"],\n \"b\": {\"c\": []}\n}",
                "a[2]: invalid type",
            ),
            (r#"{"a":[1,],"b":{"c":[]}}"#, "a[1]: trailing comma"),
            (r#"{"a":[1,}"#, "a[1]: expected value"),
            (r#"{"a":[1,"#, "EOF while parsing a value"),
            (
                " [1, 2, 3]",
                "expected a JSON object at the top level, found an array",
            ),
            (
                "\"x\"",
                "expected a JSON object at the top level, found a string",
            ),
            (
                "-5",
                "expected a JSON object at the top level, found a number",
            ),
            (
                "null",
                "expected a JSON object at the top level, found null",
            ),
            (
                "true",
                "expected a JSON object at the top level, found a boolean",
            ),
            ("", "EOF while parsing a value"),
        ];
        for (text, want) in cases {
            let got = err(text);
            assert!(
                got.starts_with(&format!("invalid input: {want}")),
                "{text}: {got}"
            );
            assert!(!got.contains('\n'), "{got}");
        }
    }

    /// Values past the float limit, and huge or tiny ones in messages, read as numbers.
    #[test]
    fn limit_and_number_format() {
        let msg = |x: f64| {
            check_non_negative(&|| "w".into(), x)
                .unwrap_err()
                .to_string()
        };
        assert_eq!(msg(1e308), "w is 1e308, over the limit of 1e300");
        assert_eq!(msg(-1e308), "w is negative (-1e308)");
        assert_eq!(msg(-2.5), "w is negative (-2.5)");
        assert_eq!(msg(-1e-7), "w is negative (-0.0000001)");
        assert!(check_non_negative(&|| "w".into(), 1e300).is_ok());
        assert_eq!(format!("{}", Num(123456.5)), "123456.5");
        assert_eq!(format!("{}", Num(0.0)), "0");
        for x in [
            1e16,
            1.5e300,
            -2.5e17,
            1.7976931348623157e308,
            1.2345678901234567e19,
        ] {
            assert_eq!(format!("{}", Num(x)), format!("{x:e}"));
        }
        assert_eq!(format!("{}", Num(-1e-7)), "-0.0000001");
    }

    fn check(xs: &[f64]) -> Option<alloc::string::String> {
        check_all_non_negative(&|i| format!("w[{i}]"), xs)
            .err()
            .map(|e| e.to_string())
    }

    /// The vectorised pass accepts and rejects exactly what the one-by-one check does, and
    /// names the first bad value, in the eight-wide body and in the tail.
    #[test]
    fn all_non_negative_agrees_with_the_single_check() {
        let fine = [0.0, -0.0, 1.0, 1e300, f64::MIN_POSITIVE, 5e-324, 0.25];
        let bad: [f64; 8] = [
            -1.0,
            -5e-324,
            f64::from_bits(1e300f64.to_bits() + 1),
            f64::MAX,
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        // 1M + 3: the parallel pass under `parallel`, with a run of 64K left over.
        for len in [1usize, 7, 8, 9, 16, 21, (1 << 20) + 3] {
            let base: Vec<f64> = (0..len).map(|i| fine[i % fine.len()]).collect();
            assert_eq!(check(&base), None, "len {len}");
            for at in [0, len / 2, len - 1] {
                for &b in &bad {
                    let mut xs = base.clone();
                    xs[at] = b;
                    // A later bad value does not change which one is named.
                    if at + 1 < len {
                        xs[len - 1] = -2.0;
                    }
                    let want = check_non_negative(&|| format!("w[{at}]"), b)
                        .unwrap_err()
                        .to_string();
                    assert_eq!(check(&xs), Some(want), "len {len}, at {at}, {b}");
                }
            }
        }
    }
}
