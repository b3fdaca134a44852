//! The multi-subnet world.
