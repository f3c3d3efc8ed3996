//! An awaitable that is already complete: returned by `__anext__` when a message is buffered,
//! so the common case costs no event-loop round trip.

use pyo3::exceptions::PyStopIteration;
use pyo3::prelude::*;

/// `await Ready(v)` evaluates to `v` without suspending.
#[pyclass(module = "claude_wire._native", freelist = 64)]
pub struct Ready {
    value: Option<Py<PyAny>>,
}

impl Ready {
    /// Wraps a value.
    pub fn new(value: Py<PyAny>) -> Self {
        Ready { value: Some(value) }
    }
}

#[pymethods]
impl Ready {
    fn __await__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<()> {
        let value = self.value.take().unwrap_or_else(|| py.None());
        Err(PyStopIteration::new_err((value,)))
    }

    fn send(&mut self, py: Python<'_>, _arg: Py<PyAny>) -> PyResult<()> {
        self.__next__(py)
    }

    #[pyo3(signature = (typ, val=None, _tb=None))]
    fn throw(
        &mut self,
        typ: Bound<'_, PyAny>,
        val: Option<Bound<'_, PyAny>>,
        _tb: Option<Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        self.value = None;
        let exc = match val {
            Some(v) if !v.is_none() => v,
            _ => typ,
        };
        Err(PyErr::from_value(exc))
    }

    fn close(&mut self) {
        self.value = None;
    }
}
