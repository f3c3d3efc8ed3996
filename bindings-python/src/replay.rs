//! `_replay(frames)`: a `MessageStream` over given frames, without a CLI (tests and benches of
//! the conversion and iteration layers).

use crate::pyjson;
use crate::stream::MessageStream;
use claude_wire::message::policy;
use claude_wire::Flavour;
use futures::StreamExt;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::time::Duration;

/// Streams `frames` (dicts, as the CLI would print them) parsed by the core; with `delay_ms`,
/// each message arrives after that pause (exercising the waiting path).
#[pyfunction]
#[pyo3(signature = (frames, delay_ms=0))]
pub fn _replay(frames: &Bound<'_, PyAny>, delay_ms: u64) -> PyResult<MessageStream> {
    let mut values = Vec::new();
    for frame in frames.try_iter()? {
        let frame = frame?;
        values.push(serde_json::Value::Object(pyjson::dict_from_py(
            frame.cast::<PyDict>()?,
        )?));
    }
    let stream = futures::stream::iter(values).filter_map(move |v| async move {
        if delay_ms > 0 {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        }
        policy::deliver_frame(Flavour::Python, v)
    });
    Ok(MessageStream::new(stream.boxed(), None, None))
}
