//! The mapping of [`TickcoreError`] to Python exceptions, done here and nowhere else.
//!
//! `TickcoreError(ValueError)` is the base; `FrameError` carries `kind`, `reason` and `offset`
//! attributes, `ConfigError` carries `setting`.

use pyo3::prelude::*;

use crate::error::TickcoreError;

mod exceptions {
    use pyo3::exceptions::PyValueError;

    pyo3::create_exception!(
        tickcore,
        TickcoreError,
        PyValueError,
        "Base class of tickcore errors."
    );
    pyo3::create_exception!(
        tickcore,
        FrameError,
        TickcoreError,
        "A KIS frame could not be parsed (attributes: kind, reason, offset)."
    );
    pyo3::create_exception!(
        tickcore,
        ConfigError,
        TickcoreError,
        "An engine setting is invalid (attribute: setting)."
    );
}

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("TickcoreError", py.get_type::<exceptions::TickcoreError>())?;
    m.add("FrameError", py.get_type::<exceptions::FrameError>())?;
    m.add("ConfigError", py.get_type::<exceptions::ConfigError>())?;
    Ok(())
}

impl From<TickcoreError> for PyErr {
    fn from(error: TickcoreError) -> PyErr {
        Python::attach(|py| {
            let exception = match &error {
                TickcoreError::Frame(_) => exceptions::FrameError::new_err(error.to_string()),
                TickcoreError::Config(_) => exceptions::ConfigError::new_err(error.to_string()),
            };
            let value = exception.value(py);
            let attributes = match &error {
                TickcoreError::Frame(frame) => value
                    .setattr("kind", frame.code())
                    .and_then(|()| value.setattr("reason", frame.reason()))
                    .and_then(|()| value.setattr("offset", frame.offset)),
                TickcoreError::Config(config) => value.setattr("setting", config.setting),
            };
            // Attributes on a fresh exception instance always set; if not, the message remains.
            drop(attributes);
            exception
        })
    }
}
