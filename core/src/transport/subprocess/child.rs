//! Starting, signalling and reaping the child process.
//!
//! Each child gets a small dedicated thread that forks it and then blocks in `wait`. That thread
//! is the child's parent thread for `PR_SET_PDEATHSIG` (which fires when the forking *thread*
//! ends), and it reaps the child whatever happens to tokio runtimes, so no zombie is left behind.

use super::super::CliCommand;
use std::io;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{ChildStderr, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::{oneshot, watch};

/// How the child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Exit {
    pub code: Option<i32>,
    pub signal: Option<i32>,
    /// The transport was closing (or dropped) when the child ended.
    pub by_us: bool,
}

impl Exit {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

/// The pipes of a freshly started child.
pub(super) struct Pipes {
    pub stdin: ChildStdin,
    pub stdout: ChildStdout,
    pub stderr: ChildStderr,
}

/// A running (or finished) child: its pid, its exit, and race-free signalling.
pub(super) struct Child {
    pid: u32,
    /// True once the child has ended; held while reaping so a signal can never reach a reused pid.
    ended: Arc<Mutex<bool>>,
    exit: watch::Receiver<Option<Exit>>,
}

impl Child {
    pub fn pid(&self) -> u32 {
        self.pid
    }

    pub fn has_exited(&self) -> bool {
        *lock(&self.ended)
    }

    /// The exit, once known.
    pub fn exit(&self) -> Option<Exit> {
        *self.exit.borrow()
    }

    /// A receiver that sees the exit when it happens.
    pub fn exit_watch(&self) -> watch::Receiver<Option<Exit>> {
        self.exit.clone()
    }

    /// Sends `signal` to the child's process group, unless the child has already ended.
    pub fn signal_group(&self, signal: i32) {
        let ended = lock(&self.ended);
        if !*ended {
            // SAFETY: plain syscall; the pid is our un-reaped child, so its group id is still ours.
            unsafe { libc::kill(-(self.pid as libc::pid_t), signal) };
        }
    }

    /// Waits until the child has ended, at most `limit`. Returns whether it ended.
    pub async fn wait_exit(&self, limit: Option<Duration>) -> bool {
        let mut watch = self.exit.clone();
        let ended = async move {
            // An error means the waiter thread is gone, which only happens after the exit.
            let _ = watch.wait_for(Option::is_some).await;
        };
        match limit {
            Some(limit) => tokio::time::timeout(limit, ended).await.is_ok(),
            None => {
                ended.await;
                true
            }
        }
    }
}

/// Starts `command` on its own waiter thread. `closing` tells whether an exit was caused by us.
pub(super) async fn spawn(
    command: &CliCommand,
    closing: Arc<AtomicBool>,
) -> io::Result<(Arc<Child>, Pipes)> {
    check_executable(&command.program)?;
    let mut cmd = build_command(command)?;
    let (ready_tx, ready_rx) = oneshot::channel();
    let (exit_tx, exit_rx) = watch::channel(None);
    let ended = Arc::new(Mutex::new(false));
    let thread_ended = ended.clone();
    std::thread::Builder::new()
        .name("claude-wire-child".into())
        .stack_size(128 * 1024)
        .spawn(move || run_child(&mut cmd, ready_tx, &thread_ended, &closing, exit_tx))?;
    let (pid, pipes) = ready_rx.await.map_err(|_| {
        io::Error::other("the child waiter thread ended before starting the process")
    })??;
    Ok((
        Arc::new(Child {
            pid,
            ended,
            exit: exit_rx,
        }),
        pipes,
    ))
}

type Ready = io::Result<(u32, Pipes)>;

/// Body of the waiter thread: fork, hand the pipes over, wait, reap, publish the exit.
fn run_child(
    cmd: &mut Command,
    ready: oneshot::Sender<Ready>,
    ended: &Mutex<bool>,
    closing: &AtomicBool,
    exit_tx: watch::Sender<Option<Exit>>,
) {
    let mut child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => {
            let _ = ready.send(Err(e));
            return;
        }
    };
    let pid = child.id();
    let watchdog = Watchdog::start(pid);
    let pipes = match (child.stdin.take(), child.stdout.take(), child.stderr.take()) {
        (Some(stdin), Some(stdout), Some(stderr)) => Ok((
            pid,
            Pipes {
                stdin,
                stdout,
                stderr,
            },
        )),
        _ => Err(io::Error::other("the child's pipes are missing")),
    };
    let handed_over = pipes.is_ok();
    if ready.send(pipes).is_err() || !handed_over {
        // Nobody will ever drive this child (the connect future was dropped): kill it.
        // SAFETY: plain syscall on our un-reaped child's group.
        unsafe { libc::kill(-(pid as libc::pid_t), libc::SIGKILL) };
    }
    wait_without_reaping(pid);
    if let Some(watchdog) = watchdog {
        watchdog.stand_down();
    }
    let mut ended = lock(ended);
    *ended = true;
    let by_us = closing.load(Ordering::SeqCst);
    if by_us {
        // Leftovers of a CLI we are shutting down (background commands, servers) would become
        // orphans. The unreaped leader keeps the group id reserved, so this cannot hit strangers.
        // SAFETY: plain syscall.
        unsafe { libc::kill(-(pid as libc::pid_t), libc::SIGKILL) };
    }
    let status = child.wait();
    drop(ended);
    let exit = match status {
        Ok(s) => Exit {
            code: s.code(),
            signal: s.signal(),
            by_us,
        },
        Err(_) => Exit {
            code: None,
            signal: None,
            by_us,
        },
    };
    let _ = exit_tx.send(Some(exit));
}

/// Kills the child's process group if this process dies: `PR_SET_PDEATHSIG` takes the CLI down
/// with us, but not what the CLI started (tool commands, servers). A tiny `sh` reads a pipe
/// whose only writer is this thread's process; EOF without the all-clear line means we died,
/// and it kills the group. Best effort: without `/bin/sh` the session runs unwatched.
struct Watchdog {
    all_clear: std::process::ChildStdin,
    process: std::process::Child,
}

impl Watchdog {
    fn start(pgid: u32) -> Option<Watchdog> {
        let script = format!("IFS= read -r line || kill -9 -{pgid} 2>/dev/null");
        let mut command = Command::new("/bin/sh");
        command
            .args(["-c", &script])
            .env_clear()
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own group: a Ctrl-C for our terminal group must not end the watch.
            .process_group(0);
        let mut process = command.spawn().ok()?;
        let all_clear = process.stdin.take()?;
        Some(Watchdog { all_clear, process })
    }

    /// The child ended while we live: tell the watchdog to exit quietly, and reap it.
    fn stand_down(mut self) {
        use std::io::Write;
        let _ = self.all_clear.write_all(b"ok\n");
        drop(self.all_clear);
        let _ = self.process.wait();
    }
}

/// Blocks until the child has ended, leaving it waitable so the pid stays reserved.
fn wait_without_reaping(pid: u32) {
    loop {
        // SAFETY: zeroed siginfo_t is a valid out-parameter for waitid.
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: plain syscall with a valid out-pointer.
        let rc = unsafe {
            libc::waitid(
                libc::P_PID,
                pid as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOWAIT,
            )
        };
        if rc == 0 || io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
            return;
        }
    }
}

/// Refuses a file that the kernel cannot execute itself: `execvp` would hand a file without a
/// `#!` line to `/bin/sh`, running arbitrary text as a shell script. Files we cannot read are
/// left to the spawn, which reports its own error.
fn check_executable(program: &std::path::Path) -> io::Result<()> {
    use std::io::Read;
    if program.components().count() < 2 {
        return Ok(()); // a bare name, found on PATH by the spawn
    }
    let mut head = [0u8; 4];
    let read = match std::fs::File::open(program).and_then(|mut f| f.read(&mut head)) {
        Ok(n) => n,
        Err(_) => return Ok(()),
    };
    const MAGICS: [&[u8]; 6] = [
        b"#!",
        b"\x7fELF",
        &[0xcf, 0xfa, 0xed, 0xfe], // Mach-O 64-bit
        &[0xce, 0xfa, 0xed, 0xfe], // Mach-O 32-bit
        &[0xca, 0xfe, 0xba, 0xbe], // Mach-O universal
        &[0xbe, 0xba, 0xfe, 0xca],
    ];
    if MAGICS.iter().any(|magic| head[..read].starts_with(magic)) {
        return Ok(());
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        "not an executable binary and no #! line; refusing to run it through /bin/sh",
    ))
}

fn lock(flag: &Mutex<bool>) -> MutexGuard<'_, bool> {
    flag.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The std command for `command`: clean environment, own process group, death signal.
fn build_command(command: &CliCommand) -> io::Result<Command> {
    let mut cmd = Command::new(&command.program);
    cmd.args(&command.args)
        .env_clear()
        .envs(command.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    if let Some(cwd) = &command.cwd {
        cmd.current_dir(cwd);
    }
    if let Some(user) = &command.user {
        let (uid, gid) = resolve_user(user)?;
        cmd.uid(uid).gid(gid);
    }
    set_death_signal(&mut cmd);
    Ok(cmd)
}

#[cfg(target_os = "linux")]
fn set_death_signal(cmd: &mut Command) {
    let parent = std::process::id() as libc::pid_t;
    // SAFETY: the closure only makes async-signal-safe syscalls (prctl, getppid).
    unsafe {
        cmd.pre_exec(move || {
            if libc::prctl(
                libc::PR_SET_PDEATHSIG,
                libc::SIGKILL as libc::c_ulong,
                0,
                0,
                0,
            ) != 0
            {
                return Err(io::Error::last_os_error());
            }
            // The parent may have died before prctl took effect: then nobody would kill us.
            if libc::getppid() != parent {
                return Err(io::Error::other("parent process exited during spawn"));
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn set_death_signal(_cmd: &mut Command) {}

/// Resolves a user name or numeric uid to (uid, gid).
pub(super) fn resolve_user(user: &str) -> io::Result<(u32, u32)> {
    if let Ok(uid) = user.parse::<u32>() {
        // A numeric uid need not have a passwd entry; its primary group then defaults to the uid.
        let gid = lookup_passwd(&|pwd, buf, len, res| {
            // SAFETY: the pointers come from lookup_passwd and are valid for the call.
            unsafe { libc::getpwuid_r(uid, pwd, buf, len, res) }
        })?
        .map_or(uid, |(_, gid)| gid);
        return Ok((uid, gid));
    }
    let name = std::ffi::CString::new(user)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "user name contains NUL"))?;
    lookup_passwd(&|pwd, buf, len, res| {
        // SAFETY: as above; `name` outlives the call.
        unsafe { libc::getpwnam_r(name.as_ptr(), pwd, buf, len, res) }
    })?
    .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("unknown user {user:?}")))
}

type PasswdCall<'a> = dyn Fn(*mut libc::passwd, *mut libc::c_char, libc::size_t, *mut *mut libc::passwd) -> libc::c_int
    + 'a;

/// Runs a `getpw*_r` call with a growing buffer; `Ok(None)` when there is no such entry.
fn lookup_passwd(call: &PasswdCall<'_>) -> io::Result<Option<(u32, u32)>> {
    let mut size = 1024usize;
    loop {
        let mut buf = vec![0 as libc::c_char; size];
        // SAFETY: zeroed passwd is a valid out-parameter.
        let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        let rc = call(&mut pwd, buf.as_mut_ptr(), buf.len(), &mut result);
        if rc == libc::ERANGE && size < 1 << 20 {
            size *= 4;
            continue;
        }
        if rc != 0 {
            return Err(io::Error::from_raw_os_error(rc));
        }
        if result.is_null() {
            return Ok(None);
        }
        return Ok(Some((pwd.pw_uid, pwd.pw_gid)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_users_by_name_and_number() {
        assert_eq!(resolve_user("root").unwrap(), (0, 0));
        assert_eq!(resolve_user("0").unwrap(), (0, 0));
        // A numeric uid without a passwd entry falls back to gid = uid.
        assert_eq!(resolve_user("3999999").unwrap(), (3_999_999, 3_999_999));
        let err = resolve_user("no-such-user-claude-wire").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound);
        assert_eq!(
            resolve_user("a\0b").unwrap_err().kind(),
            io::ErrorKind::InvalidInput
        );
    }
}
