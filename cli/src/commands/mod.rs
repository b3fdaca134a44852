//! One module per subcommand.

pub mod cases;
pub mod epoch;
pub mod run;
pub mod schedule;
pub mod study;
pub mod sweep;
pub mod world;
