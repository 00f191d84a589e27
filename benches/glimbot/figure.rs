//! One measured figure: its runs and median, its target, and its ratio to the floor.

use serde::Serialize;

use crate::measure::median;

/// One measured figure.
#[derive(Debug, Serialize)]
pub(crate) struct Figure {
    pub(crate) name: String,
    pub(crate) unit: &'static str,
    pub(crate) runs: Vec<f64>,
    pub(crate) median: f64,
    pub(crate) target: Option<String>,
    pub(crate) met: Option<bool>,
    /// What decided `met`, when it is not the median itself.
    pub(crate) detail: Option<String>,
    /// The median over the floor's median, for figures comparable to the floor.
    pub(crate) ratio_to_floor: Option<f64>,
}

impl Figure {
    pub(crate) fn new(name: impl Into<String>, unit: &'static str, runs: Vec<f64>) -> Self {
        Self {
            name: name.into(),
            unit,
            median: median(&runs),
            runs,
            target: None,
            met: None,
            detail: None,
            ratio_to_floor: None,
        }
    }

    /// Sets the target, and whether the median meets it.
    pub(crate) fn target(mut self, text: impl Into<String>, met: impl Fn(f64) -> bool) -> Self {
        self.met = Some(met(self.median));
        self.target = Some(text.into());
        self
    }

    /// Says what decided whether the target is met, when it is not the median itself.
    pub(crate) fn detail(mut self, text: impl Into<String>) -> Self {
        self.detail = Some(text.into());
        self
    }

    /// Sets the ratio to the floor's figure of the same unit: the ratio of the medians.
    pub(crate) fn against(mut self, floor: &Figure) -> Self {
        self.ratio_to_floor = Some(self.median / floor.median);
        self
    }

    /// Sets the ratio to the floor's figure of the same unit, measured in the same rounds.
    pub(crate) fn paired_against(mut self, floor: &Figure) -> Self {
        self.ratio_to_floor = Some(self.paired_ratio(floor));
        self
    }

    /// The run-by-run ratios to a figure measured in the same rounds: a machine that is faster
    /// in one round than in another moves both runs of a pair alike.
    pub(crate) fn ratios(&self, other: &Figure) -> Vec<f64> {
        assert_eq!(self.runs.len(), other.runs.len(), "runs of the same rounds");
        self.runs
            .iter()
            .zip(&other.runs)
            .map(|(a, b)| a / b)
            .collect()
    }

    /// The median of [`Figure::ratios`].
    pub(crate) fn paired_ratio(&self, other: &Figure) -> f64 {
        median(&self.ratios(other))
    }
}
