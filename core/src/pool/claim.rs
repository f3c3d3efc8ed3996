//! What a claim does with options that differ from the pool's.
//!
//! A warm CLI was started with the pool's options: its argv, environment, working directory,
//! `initialize` request and callbacks are fixed. A claim may still differ in what a control
//! request changes on a running CLI (model, permission mode, thinking budget): those are
//! applied after the claim, before the prompt is written. Any other difference is refused with
//! [`PoolError::OptionDiffers`] naming the option.

use super::PoolError;
use crate::hooks::HookMatcher;
use crate::options::{ClaudeAgentOptions, McpServerConfig, PermissionMode};
use crate::Control;
use crate::Result;
use std::sync::Arc;

/// Control requests that turn a warm CLI started with the pool's options into one started
/// with the claim's.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Adjust {
    /// `set_model` (`Some(None)`: back to the default model).
    pub model: Option<Option<String>>,
    /// `set_permission_mode`.
    pub permission_mode: Option<PermissionMode>,
    /// `set_max_thinking_tokens` (`Some(None)`: clear the budget).
    pub max_thinking_tokens: Option<Option<u32>>,
}

impl Adjust {
    /// Sends the control requests, in a fixed order.
    pub(crate) async fn apply(&self, control: &Control) -> Result<()> {
        if let Some(model) = &self.model {
            control.set_model(model.as_deref()).await?;
        }
        if let Some(mode) = &self.permission_mode {
            control.set_permission_mode(mode.clone()).await?;
        }
        if let Some(tokens) = self.max_thinking_tokens {
            control
                .set_max_thinking_tokens(tokens.map(u64::from))
                .await?;
        }
        Ok(())
    }

    /// True when nothing needs to change.
    pub(crate) fn is_empty(&self) -> bool {
        *self == Adjust::default()
    }
}

/// Compares a claim's options with the pool's: the control requests that make up the
/// difference, or the first option that cannot differ.
pub(crate) fn compare(
    pool: &ClaudeAgentOptions,
    claim: &ClaudeAgentOptions,
) -> Result<Adjust, PoolError> {
    // Destructured in full: a new option does not compile until it is classified here.
    let ClaudeAgentOptions {
        system_prompt,
        tools,
        allowed_tools,
        disallowed_tools,
        skills,
        max_turns,
        max_budget_usd,
        task_budget,
        model,
        fallback_model,
        betas,
        permission_mode,
        permission_prompt_tool_name,
        continue_conversation,
        resume,
        session_id,
        fork_session,
        resume_session_at,
        resume_drops_turn,
        settings,
        sandbox,
        add_dirs,
        mcp_servers,
        mcp_config,
        include_partial_messages,
        include_hook_events,
        strict_mcp_config,
        setting_sources,
        plugins,
        thinking,
        max_thinking_tokens,
        effort,
        output_format,
        extra_args,
        agents,
        forward_subagent_text,
        enable_file_checkpointing,
        client_app,
        entrypoint,
        sdk_version,
        flavour,
        agent,
        debug,
        debug_file,
        persist_session,
        allow_dangerously_skip_permissions,
        permission_prompts,
        project_config_root,
        tool_aliases,
        tool_config,
        plan_mode_instructions,
        title,
        prompt_suggestions,
        agent_progress_summaries,
        supported_dialog_kinds,
        per_task_stop_affordance,
        verbatim_prompts,
        managed_settings,
        mcp_servers_delivery,
        plugin_delivery,
        executable,
        executable_args,
        replace_env,
        can_use_tool,
        hooks,
        cwd,
        cli_path,
        cli_site_dirs,
        cli_package_dirs,
        env,
        user,
        stderr,
        max_buffer_size,
        control_timeout,
        stall_timeout,
        callback_timeout,
        startup,
        on_elicitation,
        on_user_dialog,
        session_store,
        session_store_flush,
        load_timeout,
        // Where the output is read, not what the session is: the warm CLI keeps the pool's.
        host_loop: _,
    } = pool;

    macro_rules! same {
        ($($field:ident),+ $(,)?) => {$(
            if *$field != claim.$field {
                return Err(PoolError::OptionDiffers { option: stringify!($field) });
            }
        )+};
    }
    same!(
        system_prompt,
        tools,
        allowed_tools,
        disallowed_tools,
        skills,
        max_turns,
        max_budget_usd,
        task_budget,
        fallback_model,
        betas,
        permission_prompt_tool_name,
        continue_conversation,
        resume,
        session_id,
        fork_session,
        resume_session_at,
        resume_drops_turn,
        settings,
        sandbox,
        add_dirs,
        mcp_config,
        include_partial_messages,
        include_hook_events,
        strict_mcp_config,
        setting_sources,
        plugins,
        thinking,
        effort,
        output_format,
        extra_args,
        agents,
        forward_subagent_text,
        enable_file_checkpointing,
        client_app,
        entrypoint,
        sdk_version,
        flavour,
        agent,
        debug,
        debug_file,
        persist_session,
        allow_dangerously_skip_permissions,
        permission_prompts,
        project_config_root,
        tool_aliases,
        tool_config,
        plan_mode_instructions,
        title,
        prompt_suggestions,
        agent_progress_summaries,
        supported_dialog_kinds,
        per_task_stop_affordance,
        verbatim_prompts,
        managed_settings,
        mcp_servers_delivery,
        plugin_delivery,
        executable,
        executable_args,
        replace_env,
        cwd,
        cli_path,
        cli_site_dirs,
        cli_package_dirs,
        env,
        user,
        max_buffer_size,
        control_timeout,
        stall_timeout,
        callback_timeout,
        startup,
        session_store_flush,
        load_timeout,
    );
    let differs = |option| Err(PoolError::OptionDiffers { option });
    if !same_servers(mcp_servers, &claim.mcp_servers) {
        return differs("mcp_servers");
    }
    if !same_hooks(hooks, &claim.hooks) {
        return differs("hooks");
    }
    // Callbacks are compared by identity: the warm CLI's session already holds the pool's.
    if !same_arc(can_use_tool, &claim.can_use_tool) {
        return differs("can_use_tool");
    }
    if !same_arc(stderr, &claim.stderr) {
        return differs("stderr");
    }
    if !same_arc(on_elicitation, &claim.on_elicitation) {
        return differs("on_elicitation");
    }
    if !same_arc(on_user_dialog, &claim.on_user_dialog) {
        return differs("on_user_dialog");
    }
    if !same_arc(session_store, &claim.session_store) {
        return differs("session_store");
    }
    // With `thinking` set (equal on both sides, checked above) the budget is its business.
    let budget_settable = thinking.is_none();
    if !budget_settable && *max_thinking_tokens != claim.max_thinking_tokens {
        return differs("max_thinking_tokens");
    }
    Ok(Adjust {
        model: (*model != claim.model).then(|| claim.model.clone()),
        permission_mode: (*permission_mode != claim.permission_mode).then(|| {
            claim
                .permission_mode
                .clone()
                .unwrap_or(PermissionMode::Default)
        }),
        max_thinking_tokens: (*max_thinking_tokens != claim.max_thinking_tokens)
            .then_some(claim.max_thinking_tokens),
    })
}

fn same_arc<T: ?Sized>(a: &Option<Arc<T>>, b: &Option<Arc<T>>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => Arc::ptr_eq(a, b),
        _ => false,
    }
}

fn same_hooks(a: &[(String, Vec<HookMatcher>)], b: &[(String, Vec<HookMatcher>)]) -> bool {
    let same_matcher = |x: &HookMatcher, y: &HookMatcher| {
        x.matcher == y.matcher
            && x.timeout == y.timeout
            && x.on_failure == y.on_failure
            && x.hooks.len() == y.hooks.len()
            && x.hooks.iter().zip(&y.hooks).all(|(f, g)| Arc::ptr_eq(f, g))
    };
    a.len() == b.len()
        && a.iter().zip(b).all(|((e, m), (f, n))| {
            e == f && m.len() == n.len() && m.iter().zip(n).all(|(x, y)| same_matcher(x, y))
        })
}

fn same_servers(a: &[(String, McpServerConfig)], b: &[(String, McpServerConfig)]) -> bool {
    let same_config = |x: &McpServerConfig, y: &McpServerConfig| match (x, y) {
        (McpServerConfig::External(x), McpServerConfig::External(y)) => x == y,
        (McpServerConfig::Sdk(x), McpServerConfig::Sdk(y)) => {
            x.name == y.name
                && x.version == y.version
                && x.tools.len() == y.tools.len()
                && x.tools.iter().zip(&y.tools).all(|(s, t)| {
                    s.name == t.name
                        && s.input_schema == t.input_schema
                        && Arc::ptr_eq(&s.handler, &t.handler)
                })
        }
        _ => false,
    };
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|((m, x), (n, y))| m == n && same_config(x, y))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> ClaudeAgentOptions {
        ClaudeAgentOptions::new().model("a").max_turns(2)
    }

    #[test]
    fn equal_options_need_nothing() {
        assert!(compare(&base(), &base()).unwrap().is_empty());
    }

    #[test]
    fn control_settable_options_become_requests() {
        let mut claim = base().model("b");
        claim.permission_mode = Some(PermissionMode::AcceptEdits);
        claim.max_thinking_tokens = Some(2048);
        let adjust = compare(&base(), &claim).unwrap();
        assert_eq!(adjust.model, Some(Some("b".into())));
        assert_eq!(adjust.permission_mode, Some(PermissionMode::AcceptEdits));
        assert_eq!(adjust.max_thinking_tokens, Some(Some(2048)));
        // Unset in the claim, set in the pool: back to the CLI's defaults.
        let mut pool = base();
        pool.permission_mode = Some(PermissionMode::Plan);
        let mut claim = base();
        claim.model = None;
        let adjust = compare(&pool, &claim).unwrap();
        assert_eq!(adjust.model, Some(None));
        assert_eq!(adjust.permission_mode, Some(PermissionMode::Default));
    }

    #[test]
    fn other_differences_are_refused_by_name() {
        let refused = |claim: ClaudeAgentOptions| compare(&base(), &claim).unwrap_err();
        assert_eq!(
            refused(base().max_turns(3)),
            PoolError::OptionDiffers {
                option: "max_turns"
            }
        );
        let mut claim = base();
        claim.env.push(("X".into(), "1".into()));
        assert_eq!(refused(claim), PoolError::OptionDiffers { option: "env" });
        let mut claim = base();
        claim.cwd = Some("/".into());
        assert_eq!(refused(claim), PoolError::OptionDiffers { option: "cwd" });
    }

    #[test]
    fn callbacks_are_compared_by_identity() {
        use crate::permission::{can_use_tool, PermissionResult};
        let callback = can_use_tool(|_, _, _| async { Ok(PermissionResult::allow()) });
        let pool = base().can_use_tool(callback.clone());
        assert!(compare(&pool, &pool.clone()).unwrap().is_empty());
        let other = base().can_use_tool(can_use_tool(|_, _, _| async {
            Ok(PermissionResult::allow())
        }));
        assert_eq!(
            compare(&pool, &other).unwrap_err(),
            PoolError::OptionDiffers {
                option: "can_use_tool"
            }
        );
    }

    #[test]
    fn a_budget_under_thinking_is_not_settable() {
        let mut pool = base();
        pool.thinking = Some(crate::options::Thinking::Adaptive { display: None });
        let mut claim = pool.clone();
        claim.max_thinking_tokens = Some(100);
        assert_eq!(
            compare(&pool, &claim).unwrap_err(),
            PoolError::OptionDiffers {
                option: "max_thinking_tokens"
            }
        );
    }
}
