//! What the benchmarks share (`mod common;` in each; a folder, so cargo does not take it for a
//! benchmark of its own).

/// A deterministic pseudo-random sequence (no dependency: the same repository every run).
pub struct Lcg(pub u64);

impl Lcg {
    /// A number below `n`.
    pub fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}
