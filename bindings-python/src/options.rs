//! `ClaudeAgentOptions` (the Python dataclass) → `claude_wire::ClaudeAgentOptions`.
//!
//! Only the shape changes here; what each option means on the wire is decided by the core.

use crate::callbacks::{self, LoopCell};
use crate::pyjson;
use claude_wire::options::{
    AgentDefinition, AgentEffort, AgentMcpServer, ClaudeAgentOptions, Effort, McpServerConfig,
    PermissionMode, Plugin, SettingSource, Skills, SystemPrompt, Thinking, ThinkingDisplay, Tools,
};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};
use serde_json::Value;
use std::path::PathBuf;
use std::str::FromStr;

/// Reads every field of the Python options object. Callbacks are bound to `loop_cell`, the event
/// loop captured when the session starts.
pub fn convert(obj: &Bound<'_, PyAny>, loop_cell: &LoopCell) -> PyResult<ClaudeAgentOptions> {
    let o = Attrs(obj);
    let mut out = ClaudeAgentOptions {
        system_prompt: system_prompt(&o.get("system_prompt")?)?,
        tools: tools(&o.get("tools")?)?,
        allowed_tools: o.list("allowed_tools")?,
        disallowed_tools: o.list("disallowed_tools")?,
        skills: skills(&o.get("skills")?)?,
        max_turns: o.opt("max_turns")?,
        max_budget_usd: o.opt("max_budget_usd")?,
        task_budget: task_budget(&o.get("task_budget")?)?,
        model: o.opt("model")?,
        fallback_model: o.opt("fallback_model")?,
        betas: o.list("betas")?,
        permission_mode: o.opt::<String>("permission_mode")?.map(|m| parse_mode(&m)),
        permission_prompt_tool_name: o.opt("permission_prompt_tool_name")?,
        continue_conversation: o.flag("continue_conversation")?,
        resume: o.opt("resume")?,
        session_id: o.opt("session_id")?,
        fork_session: o.flag("fork_session")?,
        resume_session_at: o.opt("resume_session_at")?,
        resume_drops_turn: o.opt("resume_drops_turn")?,
        settings: o.opt("settings")?,
        sandbox: o.json("sandbox")?,
        add_dirs: o.paths("add_dirs")?,
        include_partial_messages: o.flag("include_partial_messages")?,
        include_hook_events: o.flag("include_hook_events")?,
        strict_mcp_config: o.flag("strict_mcp_config")?,
        setting_sources: setting_sources(&o.get("setting_sources")?)?,
        plugins: plugins(&o.get("plugins")?)?,
        thinking: thinking(&o.get("thinking")?)?,
        max_thinking_tokens: o.opt("max_thinking_tokens")?,
        effort: o
            .opt::<String>("effort")?
            .map(|e| Effort::from_str(&e))
            .transpose()
            .map_err(value_err)?,
        output_format: o.json("output_format")?,
        extra_args: extra_args(&o.get("extra_args")?)?,
        agents: agents(&o.get("agents")?)?,
        forward_subagent_text: o.flag("forward_subagent_text")?,
        enable_file_checkpointing: o.flag("enable_file_checkpointing")?,
        client_app: o.opt("client_app")?,
        flavour: claude_wire::Flavour::Python,
        cwd: o.path("cwd")?,
        cli_path: o.path("cli_path")?,
        cli_site_dirs: crate::cli::site_dirs(obj.py())?,
        env: env(&o.get("env")?)?,
        user: o.opt("user")?,
        max_buffer_size: o.opt("max_buffer_size")?,
        control_timeout: o.seconds("control_timeout")?,
        stall_timeout: o.seconds("stall_timeout")?,
        callback_timeout: o.seconds("callback_timeout")?,
        ..ClaudeAgentOptions::default()
    };
    mcp_servers(&o.get("mcp_servers")?, loop_cell, &mut out)?;
    out.can_use_tool = callbacks::can_use_tool(&o.get("can_use_tool")?, loop_cell)?;
    out.hooks = callbacks::hooks(&o.get("hooks")?, loop_cell)?;
    out.stderr = callbacks::stderr(&o.get("stderr")?, loop_cell)?;
    Ok(out)
}

/// Emits the official SDK's warnings for these options (the core decides which and their
/// text).
pub fn emit_warnings(py: Python<'_>, options: &ClaudeAgentOptions) -> PyResult<()> {
    let warnings = py.import("warnings")?;
    for warning in options.warnings() {
        let category = match warning.category {
            "CanUseToolShadowedWarning" => crate::classes::classes(py)?
                .CanUseToolShadowedWarning
                .bind(py)
                .clone(),
            other => py.import("builtins")?.getattr(other)?,
        };
        // stacklevel 1: the package function that called us, as the official SDK attributes it
        // to its own entry point (so a message is shown once per process).
        warnings.call_method1("warn", (warning.message, category, 1))?;
    }
    Ok(())
}

struct Attrs<'a, 'py>(&'a Bound<'py, PyAny>);

impl<'py> Attrs<'_, 'py> {
    fn get(&self, name: &str) -> PyResult<Bound<'py, PyAny>> {
        match self.0.getattr(name) {
            Ok(v) => Ok(v),
            Err(_) => Ok(self.0.py().None().into_bound(self.0.py())),
        }
    }

    fn opt<T: FromPyObjectOwned<'py>>(&self, name: &str) -> PyResult<Option<T>> {
        let v = self.get(name)?;
        if v.is_none() {
            return Ok(None);
        }
        v.extract::<T>()
            .map(Some)
            .map_err(|e| field_err(name, e.into()))
    }

    fn seconds(&self, name: &str) -> PyResult<Option<std::time::Duration>> {
        self.opt::<f64>(name)?
            .map(|s| {
                std::time::Duration::try_from_secs_f64(s).map_err(|_| {
                    PyValueError::new_err(format!("{name}: expected seconds >= 0, got {s}"))
                })
            })
            .transpose()
    }

    fn flag(&self, name: &str) -> PyResult<bool> {
        self.get(name)?.is_truthy()
    }

    fn list(&self, name: &str) -> PyResult<Vec<String>> {
        Ok(self.opt::<Vec<String>>(name)?.unwrap_or_default())
    }

    fn json(&self, name: &str) -> PyResult<Option<Value>> {
        let v = self.get(name)?;
        if v.is_none() {
            return Ok(None);
        }
        pyjson::from_py(&v)
            .map(Some)
            .map_err(|e| field_err(name, e))
    }

    fn path(&self, name: &str) -> PyResult<Option<PathBuf>> {
        let v = self.get(name)?;
        if v.is_none() {
            return Ok(None);
        }
        fspath(&v).map(Some).map_err(|e| field_err(name, e))
    }

    fn paths(&self, name: &str) -> PyResult<Vec<PathBuf>> {
        let v = self.get(name)?;
        if v.is_none() {
            return Ok(Vec::new());
        }
        v.try_iter()?.map(|item| fspath(&item?)).collect()
    }
}

fn fspath(obj: &Bound<'_, PyAny>) -> PyResult<PathBuf> {
    let os = obj.py().import("os")?;
    let text = os.call_method1("fspath", (obj,))?;
    Ok(PathBuf::from(text.cast::<PyString>()?.to_str()?))
}

fn field_err(name: &str, err: PyErr) -> PyErr {
    PyTypeError::new_err(format!("ClaudeAgentOptions.{name}: {err}"))
}

fn value_err(err: claude_wire::Error) -> PyErr {
    PyValueError::new_err(err.to_string())
}

/// Parses a permission mode (unknown modes pass through, as the CLI may know them).
pub fn parse_mode(mode: &str) -> PermissionMode {
    match PermissionMode::from_str(mode) {
        Ok(m) => m,
        Err(never) => match never {},
    }
}

fn dict_get<'py>(d: &Bound<'py, PyAny>, key: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    let d = d
        .cast::<PyDict>()
        .map_err(|_| PyTypeError::new_err("expected a dict"))?;
    Ok(d.get_item(key)?.filter(|v| !v.is_none()))
}

fn str_field(d: &Bound<'_, PyAny>, key: &str) -> PyResult<Option<String>> {
    dict_get(d, key)?.map(|v| v.extract::<String>()).transpose()
}

fn bool_field(d: &Bound<'_, PyAny>, key: &str) -> PyResult<Option<bool>> {
    dict_get(d, key)?.map(|v| v.is_truthy()).transpose()
}

fn system_prompt(v: &Bound<'_, PyAny>) -> PyResult<SystemPrompt> {
    if v.is_none() {
        return Ok(SystemPrompt::None);
    }
    if let Ok(text) = v.cast::<PyString>() {
        return Ok(SystemPrompt::Text(text.to_str()?.to_owned()));
    }
    match str_field(v, "type")?.as_deref() {
        Some("preset") => Ok(SystemPrompt::Preset {
            append: str_field(v, "append")?,
            exclude_dynamic_sections: bool_field(v, "exclude_dynamic_sections")?,
            snapshot: bool_field(v, "snapshot")?,
        }),
        Some("custom") => Ok(SystemPrompt::Custom {
            prompt: str_field(v, "prompt")?.unwrap_or_default(),
            snapshot: bool_field(v, "snapshot")?,
        }),
        Some("file") => Ok(SystemPrompt::File(PathBuf::from(
            str_field(v, "path")?.unwrap_or_default(),
        ))),
        other => Err(PyValueError::new_err(format!(
            "unknown system_prompt type {other:?}"
        ))),
    }
}

fn tools(v: &Bound<'_, PyAny>) -> PyResult<Option<Tools>> {
    if v.is_none() {
        return Ok(None);
    }
    if v.is_instance_of::<PyDict>() {
        return Ok(Some(Tools::Preset));
    }
    Ok(Some(Tools::List(v.extract::<Vec<String>>()?)))
}

fn skills(v: &Bound<'_, PyAny>) -> PyResult<Option<Skills>> {
    if v.is_none() {
        return Ok(None);
    }
    if let Ok(s) = v.cast::<PyString>() {
        return match s.to_str()? {
            "all" => Ok(Some(Skills::All)),
            other => Err(PyValueError::new_err(format!(
                "skills must be 'all' or a list, not {other:?}"
            ))),
        };
    }
    Ok(Some(Skills::List(v.extract::<Vec<String>>()?)))
}

fn task_budget(v: &Bound<'_, PyAny>) -> PyResult<Option<u64>> {
    if v.is_none() {
        return Ok(None);
    }
    dict_get(v, "total")?
        .map(|t| t.extract::<u64>())
        .transpose()
}

fn setting_sources(v: &Bound<'_, PyAny>) -> PyResult<Option<Vec<SettingSource>>> {
    if v.is_none() {
        return Ok(None);
    }
    let names = v.extract::<Vec<String>>()?;
    names
        .iter()
        .map(|n| SettingSource::from_str(n).map_err(value_err))
        .collect::<PyResult<_>>()
        .map(Some)
}

fn plugins(v: &Bound<'_, PyAny>) -> PyResult<Vec<Plugin>> {
    if v.is_none() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for item in v.try_iter()? {
        let item = item?;
        match str_field(&item, "type")?.as_deref() {
            Some("local") => out.push(Plugin::Local(PathBuf::from(
                str_field(&item, "path")?.unwrap_or_default(),
            ))),
            other => {
                return Err(PyValueError::new_err(format!(
                    "unsupported plugin type {other:?}"
                )))
            }
        }
    }
    Ok(out)
}

fn thinking(v: &Bound<'_, PyAny>) -> PyResult<Option<Thinking>> {
    if v.is_none() {
        return Ok(None);
    }
    let display = str_field(v, "display")?
        .map(|d| ThinkingDisplay::from_str(&d).map_err(value_err))
        .transpose()?;
    match str_field(v, "type")?.as_deref() {
        Some("adaptive") => Ok(Some(Thinking::Adaptive { display })),
        Some("enabled") => {
            let budget_tokens = dict_get(v, "budget_tokens")?
                .map(|b| b.extract::<u32>())
                .transpose()?
                .unwrap_or(0);
            Ok(Some(Thinking::Enabled {
                budget_tokens,
                display,
            }))
        }
        Some("disabled") => Ok(Some(Thinking::Disabled)),
        other => Err(PyValueError::new_err(format!(
            "unknown thinking type {other:?}"
        ))),
    }
}

fn extra_args(v: &Bound<'_, PyAny>) -> PyResult<Vec<(String, Option<String>)>> {
    if v.is_none() {
        return Ok(Vec::new());
    }
    let d = v.cast::<PyDict>()?;
    d.iter()
        .map(|(k, val)| {
            Ok((
                k.extract::<String>()?,
                if val.is_none() {
                    None
                } else {
                    Some(val.str()?.to_str()?.to_owned())
                },
            ))
        })
        .collect()
}

fn env(v: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    if v.is_none() {
        return Ok(Vec::new());
    }
    let d = v.cast::<PyDict>()?;
    d.iter()
        .map(|(k, val)| Ok((k.extract::<String>()?, val.str()?.to_str()?.to_owned())))
        .collect()
}

fn agents(v: &Bound<'_, PyAny>) -> PyResult<Vec<(String, AgentDefinition)>> {
    if v.is_none() {
        return Ok(Vec::new());
    }
    let d = v.cast::<PyDict>()?;
    d.iter()
        .map(|(name, def)| Ok((name.extract::<String>()?, agent(&def)?)))
        .collect()
}

fn agent(def: &Bound<'_, PyAny>) -> PyResult<AgentDefinition> {
    let a = Attrs(def);
    let effort = {
        let e = a.get("effort")?;
        if e.is_none() {
            None
        } else if let Ok(n) = e.extract::<u32>() {
            Some(AgentEffort::Value(n))
        } else {
            Some(AgentEffort::Level(
                Effort::from_str(&e.extract::<String>()?).map_err(value_err)?,
            ))
        }
    };
    let mcp = a.get("mcpServers")?;
    let mcp_servers = if mcp.is_none() {
        None
    } else {
        let mut list = Vec::new();
        for item in mcp.try_iter()? {
            let item = item?;
            list.push(match item.cast::<PyString>() {
                Ok(s) => AgentMcpServer::Name(s.to_str()?.to_owned()),
                Err(_) => AgentMcpServer::Inline(pyjson::dict_from_py(item.cast::<PyDict>()?)?),
            });
        }
        Some(list)
    };
    Ok(AgentDefinition {
        description: a.opt("description")?.unwrap_or_default(),
        prompt: a.opt("prompt")?.unwrap_or_default(),
        tools: a.opt("tools")?,
        disallowed_tools: a.opt("disallowedTools")?,
        model: a.opt("model")?,
        skills: a.opt("skills")?,
        memory: a
            .opt::<String>("memory")?
            .map(|m| claude_wire::options::AgentMemory::from_str(&m).map_err(value_err))
            .transpose()?,
        mcp_servers,
        initial_prompt: a.opt("initialPrompt")?,
        max_turns: a.opt("maxTurns")?,
        background: a.opt("background")?,
        effort,
        permission_mode: a.opt::<String>("permissionMode")?.map(|m| parse_mode(&m)),
        extra: Default::default(),
    })
}

fn mcp_servers(
    v: &Bound<'_, PyAny>,
    loop_cell: &LoopCell,
    out: &mut ClaudeAgentOptions,
) -> PyResult<()> {
    if v.is_none() {
        return Ok(());
    }
    if let Ok(d) = v.cast::<PyDict>() {
        for (name, config) in d.iter() {
            let name = name.extract::<String>()?;
            let server = match dict_get(&config, "instance")? {
                Some(instance) if str_field(&config, "type")?.as_deref() == Some("sdk") => {
                    McpServerConfig::Sdk(callbacks::sdk_server(&name, &instance, loop_cell)?)
                }
                _ => McpServerConfig::External(pyjson::from_py(&config)?),
            };
            out.mcp_servers.push((name, server));
        }
        return Ok(());
    }
    out.mcp_config = Some(fspath(v)?.to_string_lossy().into_owned());
    Ok(())
}
