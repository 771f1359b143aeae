//! Per-feature weight rows for scoring without building the vector
//! ([`crate::Vectorizer::dot_rows`]).

use crate::error::{FeatureError, Result};

static NEXT_UID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// `width` numbers per feature id, stored row after row: what a linear layer multiplies a
/// feature vector by (for example each label's weight, then each hidden unit's).
/// [`crate::Vectorizer::dot_rows`] returns `x · rows` for a text's vector `x`.
///
/// Rows may cover fewer features than the vectorizer has: the missing ones weigh 0.
/// Immutable once built; each table carries a process-unique identity, so that the per-thread
/// caches of [`crate::Vectorizer::dot_rows`] never serve one table's sums to another.
///
/// ```
/// use narrascope_features::FeatureRows;
/// let rows = FeatureRows::new(2, vec![1.0, -1.0, 0.5, 2.0])?;
/// assert_eq!((rows.width(), rows.len()), (2, 2));
/// assert_eq!(rows.row(1), Some(&[0.5, 2.0][..]));
/// assert_eq!(rows.row(2), None);
/// # Ok::<(), narrascope_features::FeatureError>(())
/// ```
#[derive(Debug, Clone)]
pub struct FeatureRows {
    width: usize,
    data: Vec<f32>,
    uid: u64,
}

impl FeatureRows {
    /// Rows of `width` numbers taken from `data` (its length a multiple of `width`).
    ///
    /// # Errors
    /// [`FeatureError::Rows`] when `width` is 0, `data` is not a whole number of rows, or a
    /// number is not finite.
    pub fn new(width: usize, data: Vec<f32>) -> Result<FeatureRows> {
        if width == 0 || data.len() % width != 0 {
            return Err(FeatureError::Rows(format!(
                "{} numbers do not make rows of width {width}",
                data.len()
            )));
        }
        if let Some(i) = data.iter().position(|v| !v.is_finite()) {
            return Err(FeatureError::Rows(format!(
                "feature {}, column {}: {} is not finite",
                i / width,
                i % width,
                data[i]
            )));
        }
        Ok(FeatureRows {
            width,
            data,
            uid: NEXT_UID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }

    /// Numbers per row.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Number of rows (features covered).
    pub fn len(&self) -> usize {
        self.data.len() / self.width
    }

    /// Whether no feature is covered.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The row of feature `id`, if covered.
    #[inline]
    pub fn row(&self, id: u32) -> Option<&[f32]> {
        let a = id as usize * self.width;
        self.data.get(a..a + self.width)
    }

    /// Process-unique identity (for caches).
    pub(crate) fn uid(&self) -> u64 {
        self.uid
    }

    /// Adds `scale` times the row of `id` (if covered) to `acc`.
    #[inline]
    pub(crate) fn add_scaled(&self, id: u32, scale: f32, acc: &mut [f32]) {
        if let Some(r) = self.row(id) {
            for (a, &w) in acc.iter_mut().zip(r) {
                *a += scale * w;
            }
        }
    }
}
