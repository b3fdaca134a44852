//! Documented size limits. The document size is checked before it is parsed, the float
//! matrices while they are decoded (row by row), the other shapes right after decoding.

/// Most UIDs a subnet can hold on chain (`u16` UIDs).
pub const MAX_UIDS: usize = 65_536;
/// Most rows (validators) of a float weight matrix.
pub const MAX_VALIDATORS: usize = 65_536;
/// Most columns (servers) of a float weight matrix.
pub const MAX_SERVERS: usize = 65_536;
/// Most entries of one weight matrix (validators × servers).
pub const MAX_MATRIX_ENTRIES: usize = 1 << 24;
/// Most epochs in one case.
pub const MAX_EPOCHS: usize = 100_000;
/// Most weight entries summed over all the epochs of a case.
pub const MAX_CASE_ENTRIES: usize = 1 << 26;
/// Largest input document (bytes) the faces accept.
pub const MAX_INPUT_BYTES: usize = 256 << 20;
/// Most subnets in a world scenario.
pub const MAX_WORLD_SUBNETS: usize = 1_024;
/// Most UIDs per subnet in a world scenario.
pub const MAX_WORLD_UIDS: usize = 4_096;
/// Most blocks one `World::step` call may advance.
pub const MAX_WORLD_BLOCKS: u64 = 100_000_000;
/// The last block number a world reaches (2⁵³ − 1, the largest integer a JavaScript number
/// holds exactly): `startBlock` and every step stay at or below it, so block arithmetic never
/// wraps.
pub const MAX_BLOCK: u64 = (1 << 53) - 1;
/// Most scripted events (flows, registrations, weight steps) in a scenario.
pub const MAX_SCENARIO_EVENTS: usize = 1_000_000;
/// Highest rate of random events (`randomFlows.perDay`, `registrationsPerDay`): 1 000 a block
/// on average.
pub const MAX_EVENTS_PER_DAY: f64 = 7_200_000.0;
/// Largest float input value (a weight, a stake, a bond). Sums of up to [`MAX_VALIDATORS`]
/// or [`MAX_MATRIX_ENTRIES`] such values stay far below `f64::MAX` (1.8e308), so no
/// normalisation overflows to infinity and silently turns a row or the stakes into zeros.
pub const MAX_FLOAT_VALUE: f64 = 1e300;
/// Most stored entries (weights or bonds, each) in one chain-epoch input.
pub const MAX_CHAIN_ENTRIES: usize = 1 << 24;

/// Float matrices decoded row by row under the limits above: a document is refused as soon as
/// a matrix passes [`MAX_VALIDATORS`] rows, a row [`MAX_SERVERS`] entries or the matrix
/// [`MAX_MATRIX_ENTRIES`], before the rest of it is read. The decoding error names the matrix
/// or row by its path (`epochs[0].weights[3]: over the limit of 65536 entries in a row`).
#[cfg(feature = "serde")]
pub(crate) mod bounded {
    use super::{MAX_MATRIX_ENTRIES, MAX_SERVERS, MAX_VALIDATORS};
    use alloc::vec::Vec;
    use core::fmt;
    use serde::de::{DeserializeSeed, Deserializer, Error, SeqAccess, Visitor};

    /// `deserialize_with` for a `Vec<Vec<f64>>` field.
    pub fn matrix<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<f64>>, D::Error> {
        d.deserialize_seq(Matrix)
    }

    /// `deserialize_with` for an `Option<Vec<Vec<f64>>>` field (`null` or absent: `None`).
    pub fn optional_matrix<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Vec<Vec<f64>>>, D::Error> {
        d.deserialize_option(Optional)
    }

    struct Optional;

    impl<'de> Visitor<'de> for Optional {
        type Value = Option<Vec<Vec<f64>>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a matrix (an array of rows) or null")
        }
        fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            matrix(d).map(Some)
        }
    }

    struct Matrix;

    impl<'de> Visitor<'de> for Matrix {
        type Value = Vec<Vec<f64>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a matrix (an array of rows)")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut rows: Vec<Vec<f64>> = Vec::new();
            let mut total = 0;
            while let Some(row) = seq.next_element_seed(Row {
                room: MAX_MATRIX_ENTRIES - total,
            })? {
                if rows.len() == MAX_VALIDATORS {
                    return Err(Error::custom(alloc::format!(
                        "over the limit of {MAX_VALIDATORS} rows"
                    )));
                }
                total += row.len();
                rows.push(row);
            }
            Ok(rows)
        }
    }

    /// One row, with `room` entries left in the matrix.
    struct Row {
        room: usize,
    }

    impl<'de> DeserializeSeed<'de> for Row {
        type Value = Vec<f64>;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<f64>, D::Error> {
            d.deserialize_seq(self)
        }
    }

    impl<'de> Visitor<'de> for Row {
        type Value = Vec<f64>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a row of numbers")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<f64>, A::Error> {
            let mut row = Vec::new();
            while let Some(x) = seq.next_element::<f64>()? {
                if row.len() == MAX_SERVERS {
                    return Err(Error::custom(alloc::format!(
                        "over the limit of {MAX_SERVERS} entries in a row"
                    )));
                }
                if row.len() == self.room {
                    return Err(Error::custom(alloc::format!(
                        "over the limit of {MAX_MATRIX_ENTRIES} entries in a matrix"
                    )));
                }
                row.push(x);
            }
            Ok(row)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use alloc::string::ToString;

        fn decode(text: &str) -> Result<Vec<Vec<f64>>, alloc::string::String> {
            matrix(&mut serde_json::Deserializer::from_str(text)).map_err(|e| e.to_string())
        }

        /// Each limit stops the decoding at the first value past it; up to it, every value
        /// is kept.
        #[test]
        fn matrices_are_refused_while_they_are_read() {
            assert_eq!(
                decode("[[1, 2], [], [0.5]]").unwrap(),
                [&[1.0, 2.0][..], &[], &[0.5]]
            );
            let row = |n: usize| alloc::format!("[{}0]", "0,".repeat(n - 1));
            assert_eq!(
                decode(&alloc::format!("[{}]", row(MAX_SERVERS))).unwrap()[0].len(),
                MAX_SERVERS
            );
            let e = decode(&alloc::format!("[[1],{}]", row(MAX_SERVERS + 1))).unwrap_err();
            assert!(
                e.starts_with("over the limit of 65536 entries in a row"),
                "{e}"
            );
            let rows = |n: usize| alloc::format!("[{}[]]", "[],".repeat(n - 1));
            assert_eq!(decode(&rows(MAX_VALIDATORS)).unwrap().len(), MAX_VALIDATORS);
            let e = decode(&rows(MAX_VALIDATORS + 1)).unwrap_err();
            assert!(e.starts_with("over the limit of 65536 rows"), "{e}");
            // The room left in the matrix bounds a row below the row limit.
            let mut de = serde_json::Deserializer::from_str("[1, 2, 3, 4]");
            let e = Row { room: 3 }
                .deserialize(&mut de)
                .unwrap_err()
                .to_string();
            assert!(
                e.starts_with("over the limit of 16777216 entries in a matrix"),
                "{e}"
            );
            let mut de = serde_json::Deserializer::from_str("[1, 2, 3]");
            assert_eq!(Row { room: 3 }.deserialize(&mut de).unwrap().len(), 3);
            assert!(decode("[1]").is_err() && decode("{}").is_err());
            let none = optional_matrix(&mut serde_json::Deserializer::from_str("null"));
            assert_eq!(none.unwrap(), None);
        }
    }
}
