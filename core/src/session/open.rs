//! Opening a session for a set of options: the transport, the handlers and the `initialize`
//! request they make.

use super::{run, Session, SessionConfig, Shared};
use crate::cli;
use crate::control;
use crate::handlers::Handlers;
use crate::options::ClaudeAgentOptions;
use crate::transport::{SubprocessConfig, SubprocessTransport, Transport, DEFAULT_MAX_LINE_SIZE};
use crate::Result;
use std::sync::Arc;

impl Session {
    /// Starts a session for `options`, over `transport` or else the CLI as a subprocess.
    ///
    /// `early` is told the session's I/O as soon as `initialize` is written, so that the prompt
    /// goes out behind it without waiting for the answer, as the TypeScript SDK sends it;
    /// unless the request carries what the prompt must wait for (see
    /// [`ClaudeAgentOptions::prompt_waits_for_initialize`]), when `early` is dropped.
    pub(crate) async fn open(
        options: &ClaudeAgentOptions,
        transport: Option<Arc<dyn Transport>>,
        early: Option<tokio::sync::oneshot::Sender<Arc<Shared>>>,
    ) -> Result<Session> {
        let (resumed, mirror) = match &options.session_store {
            Some(store) => {
                crate::sessions::prepare_live(options, store, transport.is_none()).await?
            }
            None => (None, None),
        };
        let transport = match (transport, &resumed) {
            (Some(transport), _) => transport,
            (None, Some(resumed)) => subprocess_for(&resumed.apply(options))?,
            (None, None) => subprocess_for(options)?,
        };
        let handlers = Handlers::from_options(options);
        let initialize = options.initialize_request(&handlers.hooks);
        let early = early.filter(|_| !ClaudeAgentOptions::prompt_waits_for_initialize(&initialize));
        let config = SessionConfig {
            handlers,
            control_timeout: options
                .control_timeout
                .unwrap_or(control::DEFAULT_CONTROL_TIMEOUT),
            initialize_timeout: control::initialize_timeout(options.control_timeout),
            stall_timeout: options.stall_timeout,
            callback_timeout: options.callback_timeout,
            flavour: options.flavour,
            verbatim_prompts: options.verbatim_prompts,
            run_end_ceiling: run::run_end_ceiling(options),
            startup: options.startup,
            initialize,
            mirror,
            resumed,
            host_reads: options.host_loop.is_some(),
            early,
        };
        Session::start(transport, config).await
    }
}

fn subprocess_for(options: &ClaudeAgentOptions) -> Result<Arc<dyn Transport>> {
    let command = cli::build_command(options)?;
    let config = SubprocessConfig {
        max_line_size: options.max_buffer_size.unwrap_or(DEFAULT_MAX_LINE_SIZE),
        stderr: options.stderr.clone(),
        pass_stderr_through: options.stderr.is_none() && options.flavour.passes_stderr_through(),
        close_grace: options.flavour.close_grace(),
        host_loop: options.host_loop.clone(),
        ..SubprocessConfig::default()
    };
    Ok(Arc::new(SubprocessTransport::new(command, config)))
}
