//! JSON-shaped results without their numbers in the text.
//!
//! A large result is mostly arrays of f64: a 256 × 4096 epoch is 72 MB of JSON, and even the
//! 22 community cases spend more time writing their digits (in wasm) and parsing them again
//! (`JSON.parse`) than running. [`write()`] in [`Form::Marked`] writes the same serde_json
//! text, except that a non-empty array whose every element is an f64 is written as a
//! **mark**, the string `"\u0000k"`, and its values go, as they are, into one `f64` buffer;
//! `marks[2k]` and `marks[2k + 1]` give the array's offset and length there. The JS wrapper
//! (`wasm/js/api.js`, `rebuild`) parses the text and puts each array back from the buffer.
//!
//! The result is the object `JSON.parse` makes of serde_json's text, number for number: that
//! text writes each f64 as the shortest decimal that reads back as the same double, so the
//! buffer's doubles are what `JSON.parse` would give. What serde_json writes as `null` (a NaN
//! or an infinity) stays in the text, and so does the rest of its array. Arrays of integers,
//! strings or objects stay in the text, as does an empty array. A string of the result that
//! holds a NUL character (which a mark starts with) makes [`write()`] fall back to the plain
//! text, with no marks.

use serde::Serialize;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter, PrettyFormatter};
use std::io::{self, Write};

/// How [`write()`] writes a result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// serde_json's compact text.
    Compact,
    /// serde_json's pretty text, as the CLI prints it.
    Pretty,
    /// Compact text with the f64 arrays marked (module docs).
    Marked,
}

/// What [`write()`] writes.
#[derive(Debug, Default, PartialEq)]
pub struct Tape {
    /// The text: with marks in place of the f64 arrays if `marks` is not empty.
    pub text: String,
    /// The marked arrays' values, one after another.
    pub nums: Vec<f64>,
    /// Offset and length in `nums` of each mark, in the order of the marks' numbers.
    pub marks: Vec<u32>,
}

/// An array being written: `Some(start)` while every element so far is an f64 (held in
/// `nums` from `start`, nothing written yet), `None` once it is written as text.
type Frame = Option<usize>;

/// A serde_json formatter for all three [`Form`]s (one formatter, so that the wasm holds one
/// copy of each result's serialisation, not three). When marking, it holds back each array
/// until it knows whether it is all f64. Only the innermost open array can be held back:
/// anything but an f64 inside it (a nested array, an object, a string, an integer, a `null`)
/// writes it out first.
struct Marks {
    /// Writes the pretty form (else the compact one).
    pretty: Option<PrettyFormatter<'static>>,
    mark: bool,
    frames: Vec<Frame>,
    nums: Vec<f64>,
    marks: Vec<u32>,
    /// A string of the result holds a NUL character.
    nul: bool,
}

impl Marks {
    /// Writes the innermost array out as text if it is held back: its `[` and the f64s held,
    /// then the comma before the element now being written if `more` and one was held.
    #[inline(always)]
    fn flush<W: ?Sized + Write>(&mut self, w: &mut W, more: bool) -> io::Result<()> {
        match self.frames.last() {
            Some(Some(start)) => {
                let start = *start;
                self.write_held(w, start, more)
            }
            _ => Ok(()),
        }
    }

    /// [`Marks::flush`] of an array held from `start`.
    #[inline(never)]
    fn write_held<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        start: usize,
        more: bool,
    ) -> io::Result<()> {
        w.write_all(b"[")?;
        for (k, &x) in self.nums[start..].iter().enumerate() {
            if k > 0 {
                w.write_all(b",")?;
            }
            CompactFormatter.write_f64(w, x)?;
        }
        if more && self.nums.len() > start {
            w.write_all(b",")?;
        }
        self.nums.truncate(start);
        if let Some(top) = self.frames.last_mut() {
            *top = None;
        }
        Ok(())
    }
}

/// `$name(args)` of serde_json's pretty formatter if `$s` writes pretty text, else of the
/// compact one.
macro_rules! plain {
    ($s:expr, $name:ident($($arg:expr),*)) => {
        match &mut $s.pretty {
            Some(p) => p.$name($($arg),*),
            None => CompactFormatter.$name($($arg),*),
        }
    };
}

/// Each method that writes something other than an f64 element first writes out a held-back
/// array; then serde_json's compact or pretty formatter writes.
macro_rules! flushing {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $name<W: ?Sized + Write>(&mut self, w: &mut W $(, $arg: $ty)*) -> io::Result<()> {
            self.flush(w, true)?;
            plain!(self, $name(w $(, $arg)*))
        }
    )*};
}

impl Formatter for &mut Marks {
    flushing! {
        write_null();
        write_bool(value: bool);
        write_i8(value: i8);
        write_i16(value: i16);
        write_i32(value: i32);
        write_i64(value: i64);
        write_i128(value: i128);
        write_u8(value: u8);
        write_u16(value: u16);
        write_u32(value: u32);
        write_u64(value: u64);
        write_u128(value: u128);
        write_f32(value: f32);
        write_number_str(value: &str);
        begin_string();
        end_string();
        write_string_fragment(fragment: &str);
        begin_object();
        end_object();
        begin_object_key(first: bool);
        begin_object_value();
        write_raw_fragment(fragment: &str);
    }

    // Write nothing: they only keep the pretty formatter's state (and an element of a
    // held-back array ends with `end_array_value`, which must not write it out).
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        plain!(self, end_array_value(w))
    }

    fn end_object_key<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        plain!(self, end_object_key(w))
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        plain!(self, end_object_value(w))
    }

    fn write_char_escape<W: ?Sized + Write>(&mut self, w: &mut W, c: CharEscape) -> io::Result<()> {
        self.flush(w, true)?;
        if matches!(c, CharEscape::AsciiControl(0)) {
            self.nul = true;
        }
        CompactFormatter.write_char_escape(w, c)
    }

    fn write_f64<W: ?Sized + Write>(&mut self, w: &mut W, value: f64) -> io::Result<()> {
        match self.frames.last() {
            Some(Some(_)) => {
                self.nums.push(value);
                Ok(())
            }
            _ => CompactFormatter.write_f64(w, value),
        }
    }

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        if !self.mark {
            return plain!(self, begin_array(w));
        }
        self.flush(w, true)?;
        self.frames.push(Some(self.nums.len()));
        Ok(())
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        match self.frames.last() {
            // Held back: `flush` writes the comma if the element is not an f64.
            Some(Some(_)) => Ok(()),
            _ => plain!(self, begin_array_value(w, first)),
        }
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        if !self.mark {
            return plain!(self, end_array(w));
        }
        match self.frames.last() {
            Some(Some(start)) if self.nums.len() > *start => {
                let start = *start;
                self.frames.pop();
                let k = self.marks.len() / 2;
                let (offset, len) = (start, self.nums.len() - start);
                match (u32::try_from(offset), u32::try_from(len)) {
                    (Ok(o), Ok(l)) => self.marks.extend([o, l]),
                    _ => return Err(io::Error::other("result too large for marks")),
                }
                mark(w, k)
            }
            _ => {
                self.flush(w, false)?;
                self.frames.pop();
                w.write_all(b"]")
            }
        }
    }
}

/// Writes mark `k`: `"\u0000k"`.
fn mark<W: ?Sized + Write>(w: &mut W, mut k: usize) -> io::Result<()> {
    let mut buf = [0u8; 32];
    let mut i = buf.len();
    i -= 1;
    buf[i] = b'"';
    loop {
        i -= 1;
        buf[i] = b'0' + (k % 10) as u8;
        k /= 10;
        if k == 0 {
            break;
        }
    }
    i -= 7;
    buf[i..i + 7].copy_from_slice(b"\"\\u0000");
    w.write_all(&buf[i..])
}

/// A `Vec<u8>` writer whose one-byte writes (most of serde_json's punctuation) push.
struct Bytes(Vec<u8>);

impl Write for Bytes {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    #[inline(always)]
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match buf {
            [b] => self.0.push(*b),
            _ => self.0.extend_from_slice(buf),
        }
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `value` written in `form`. A NUL character in one of its strings makes the marked form
/// plain compact text (no marks), since a mark starts with one.
pub fn write<T: Serialize>(value: &T, mut form: Form) -> serde_json::Result<Tape> {
    // One call of `serialize` per `T`, in a loop for the fallback: the wasm holds one copy.
    loop {
        let (mut text, mut f) = Marks::new(form);
        value.serialize(&mut serde_json::Serializer::with_formatter(
            &mut text, &mut f,
        ))?;
        if !(f.nul && f.mark) {
            return f.finish(text);
        }
        form = Form::Compact;
    }
}

impl Marks {
    /// A formatter for `form`, and the buffer it writes to.
    fn new(form: Form) -> (Bytes, Marks) {
        let f = Marks {
            pretty: (form == Form::Pretty).then(PrettyFormatter::new),
            mark: form == Form::Marked,
            frames: Vec::new(),
            nums: Vec::new(),
            marks: Vec::new(),
            nul: false,
        };
        (Bytes(Vec::with_capacity(4096)), f)
    }

    /// The [`Tape`] of a finished result.
    fn finish(self, text: Bytes) -> serde_json::Result<Tape> {
        // serde_json writes UTF-8 only (strings come from `&str`, marks are ASCII).
        let text = String::from_utf8(text.0)
            .map_err(|_| serde_json::Error::io(io::ErrorKind::InvalidData.into()))?;
        Ok(Tape {
            text,
            nums: self.nums,
            marks: self.marks,
        })
    }
}

#[cfg(test)]
mod tests;
