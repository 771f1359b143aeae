//! Sparse vectors: sorted feature ids with f32 values.

use serde::{Deserialize, Serialize};

/// A sparse feature vector: `indices` strictly increasing, `values` of the same length.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SparseVector {
    /// Feature ids, strictly increasing.
    pub indices: Vec<u32>,
    /// Values, one per id.
    pub values: Vec<f32>,
}

impl SparseVector {
    /// An empty vector.
    pub fn new() -> Self {
        Self::default()
    }
    /// Number of stored entries.
    pub fn nnz(&self) -> usize {
        self.indices.len()
    }
    /// Iterates `(id, value)`.
    pub fn iter(&self) -> impl Iterator<Item = (u32, f32)> + '_ {
        self.indices
            .iter()
            .copied()
            .zip(self.values.iter().copied())
    }
    /// Dot product with a dense weight slice (ids outside the slice count as zero).
    #[inline]
    pub fn dot(&self, weights: &[f32]) -> f32 {
        let mut s = 0.0;
        for (&i, &v) in self.indices.iter().zip(&self.values) {
            if let Some(w) = weights.get(i as usize) {
                s += w * v;
            }
        }
        s
    }
    /// Euclidean norm.
    pub fn norm(&self) -> f32 {
        self.values.iter().map(|v| v * v).sum::<f32>().sqrt()
    }
    pub(crate) fn clear(&mut self) {
        self.indices.clear();
        self.values.clear();
    }
}
