//! The one place where tickcore releases the GIL: every batch call goes through
//! [`without_gil`], so the policy (and any future instrumentation) lives here.

use pyo3::marker::Ungil;
use pyo3::Python;

/// Runs `work` with the GIL released; other Python threads run meanwhile.
pub(crate) fn without_gil<T, F>(py: Python<'_>, work: F) -> T
where
    F: Ungil + FnOnce() -> T,
    T: Ungil,
{
    py.detach(work)
}
