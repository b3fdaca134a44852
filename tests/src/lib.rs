//! Shared helpers for the taolab test suites.
