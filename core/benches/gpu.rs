//! The consensus-map grid on the CPU and GPU backends (filled in by the next commit).
fn main() {}
