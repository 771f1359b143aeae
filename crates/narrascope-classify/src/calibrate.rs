//! Probability calibration on a held-out (dev) split: Platt scaling or isotonic regression.

use serde::{Deserialize, Serialize};

/// Maps a raw margin to a calibrated probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Calibration {
    /// `p = 1 / (1 + exp(a * margin + b))` (Platt 1999, with his target smoothing).
    Platt {
        /// Slope (negative for a useful scorer).
        a: f32,
        /// Offset.
        b: f32,
    },
    /// A non-decreasing step function fitted by pool-adjacent-violators: `xs` ascending
    /// margins, `ys` probabilities; linear interpolation between points.
    Isotonic {
        /// Margins, ascending.
        xs: Vec<f32>,
        /// Probabilities, non-decreasing.
        ys: Vec<f32>,
    },
}

/// Which calibration to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum CalibrationKind {
    /// Platt scaling: two parameters, robust on small dev sets (the default).
    #[default]
    Platt,
    /// Isotonic regression: more flexible, needs more dev data.
    Isotonic,
}

impl Calibration {
    /// Calibrated probability of a margin.
    #[inline]
    pub fn apply(&self, m: f32) -> f32 {
        match self {
            Calibration::Platt { a, b } => 1.0 / (1.0 + (a * m + b).exp()),
            Calibration::Isotonic { xs, ys } => {
                if xs.is_empty() {
                    return 0.5;
                }
                let i = xs.partition_point(|&x| x < m);
                if i == 0 {
                    return ys[0];
                }
                if i >= xs.len() {
                    return ys[ys.len() - 1];
                }
                let (x0, x1, y0, y1) = (xs[i - 1], xs[i], ys[i - 1], ys[i]);
                if x1 > x0 {
                    y0 + (y1 - y0) * (m - x0) / (x1 - x0)
                } else {
                    y1
                }
            }
        }
    }

    /// Fits a calibration of `kind` on margins and truth.
    pub fn fit(kind: CalibrationKind, margins: &[f32], truth: &[bool]) -> Calibration {
        match kind {
            CalibrationKind::Platt => platt(margins, truth),
            CalibrationKind::Isotonic => isotonic(margins, truth),
        }
    }

    /// Whether all parameters are finite and ordered.
    pub fn is_valid(&self) -> bool {
        match self {
            Calibration::Platt { a, b } => a.is_finite() && b.is_finite(),
            Calibration::Isotonic { xs, ys } => {
                xs.len() == ys.len()
                    && xs.iter().chain(ys).all(|v| v.is_finite())
                    && xs.windows(2).all(|w| w[0] <= w[1])
                    && ys.windows(2).all(|w| w[0] <= w[1])
            }
        }
    }
}

/// Platt scaling by Newton's method with backtracking (Lin, Lin & Weng 2007).
fn platt(m: &[f32], y: &[bool]) -> Calibration {
    let n_pos = y.iter().filter(|&&t| t).count() as f64;
    let n_neg = y.len() as f64 - n_pos;
    let hi = (n_pos + 1.0) / (n_pos + 2.0);
    let lo = 1.0 / (n_neg + 2.0);
    let t: Vec<f64> = y.iter().map(|&p| if p { hi } else { lo }).collect();
    let (mut a, mut b) = (0.0f64, ((n_neg + 1.0) / (n_pos + 1.0)).ln());
    let obj = |a: f64, b: f64| -> f64 {
        m.iter()
            .zip(&t)
            .map(|(&x, &t)| {
                let f = a * x as f64 + b;
                if f >= 0.0 {
                    t * f + (1.0 + (-f).exp()).ln()
                } else {
                    (t - 1.0) * f + (1.0 + f.exp()).ln()
                }
            })
            .sum()
    };
    let mut fval = obj(a, b);
    for _ in 0..100 {
        let (mut h11, mut h22, mut h21, mut g1, mut g2) = (1e-12, 1e-12, 0.0, 0.0, 0.0);
        for (&x, &t) in m.iter().zip(&t) {
            let x = x as f64;
            let f = a * x + b;
            let (p, q) = if f >= 0.0 {
                let e = (-f).exp();
                (e / (1.0 + e), 1.0 / (1.0 + e))
            } else {
                let e = f.exp();
                (1.0 / (1.0 + e), e / (1.0 + e))
            };
            let d2 = p * q;
            h11 += x * x * d2;
            h22 += d2;
            h21 += x * d2;
            let d1 = t - p;
            g1 += x * d1;
            g2 += d1;
        }
        if g1.abs() < 1e-5 && g2.abs() < 1e-5 {
            break;
        }
        let det = h11 * h22 - h21 * h21;
        let da = -(h22 * g1 - h21 * g2) / det;
        let db = -(-h21 * g1 + h11 * g2) / det;
        let gd = g1 * da + g2 * db;
        let mut step = 1.0;
        let mut moved = false;
        while step >= 1e-10 {
            let (na, nb) = (a + step * da, b + step * db);
            let nf = obj(na, nb);
            if nf < fval + 1e-4 * step * gd {
                a = na;
                b = nb;
                fval = nf;
                moved = true;
                break;
            }
            step /= 2.0;
        }
        if !moved {
            break;
        }
    }
    Calibration::Platt {
        a: a as f32,
        b: b as f32,
    }
}

/// Isotonic regression by pool-adjacent-violators.
fn isotonic(m: &[f32], y: &[bool]) -> Calibration {
    let mut idx: Vec<usize> = (0..m.len()).collect();
    idx.sort_by(|&a, &b| m[a].total_cmp(&m[b]).then(a.cmp(&b)));
    // blocks: (sum_y, count, min_x, max_x)
    let mut blocks: Vec<(f64, f64, f32, f32)> = Vec::new();
    for &i in &idx {
        blocks.push((y[i] as u8 as f64, 1.0, m[i], m[i]));
        while blocks.len() >= 2 {
            let n = blocks.len();
            let (s1, c1, _, _) = blocks[n - 2];
            let (s2, c2, _, _) = blocks[n - 1];
            if s1 / c1 <= s2 / c2 {
                break;
            }
            let last = blocks.pop().expect("two blocks");
            let prev = blocks.last_mut().expect("one block");
            prev.0 += last.0;
            prev.1 += last.1;
            prev.3 = last.3;
        }
    }
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for (s, c, lo, hi) in blocks {
        let p = (s / c) as f32;
        xs.push(lo);
        ys.push(p);
        if hi > lo {
            xs.push(hi);
            ys.push(p);
        }
    }
    Calibration::Isotonic { xs, ys }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platt_is_monotone_and_sensible() {
        let m: Vec<f32> = (0..200).map(|i| (i as f32 - 100.0) / 20.0).collect();
        let y: Vec<bool> = m
            .iter()
            .enumerate()
            .map(|(i, &x)| x > 0.0 || i % 10 == 0)
            .collect();
        let c = Calibration::fit(CalibrationKind::Platt, &m, &y);
        assert!(c.is_valid());
        assert!(c.apply(-3.0) < 0.2 && c.apply(3.0) > 0.8, "{c:?}");
        assert!(c.apply(0.5) < c.apply(1.0));
    }

    #[test]
    fn isotonic_is_monotone() {
        let m = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
        let y = [false, true, false, false, true, true];
        let c = Calibration::fit(CalibrationKind::Isotonic, &m, &y);
        assert!(c.is_valid());
        assert!(c.apply(0.0) <= c.apply(0.35) && c.apply(0.35) <= c.apply(0.9));
        assert_eq!(c.apply(0.9), 1.0);
    }
}
