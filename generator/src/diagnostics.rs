//! Errors for people and for tools: every problem names the file, the JSON
//! pointer of the offending node and, where known, its line and column.

use std::fmt;
use std::path::PathBuf;

use crate::text::line;

/// One problem in an input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file, as it was given.
    pub file: PathBuf,
    /// The JSON pointer of the node (`""` for the whole document).
    pub pointer: String,
    /// 1-based line and column, where known.
    pub position: Option<(usize, usize)>,
    /// What is wrong.
    pub message: String,
}

impl Diagnostic {
    /// A problem at `pointer` in `file`; its line and column are found later, where known.
    pub fn new(file: impl Into<PathBuf>, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            pointer: pointer.into(),
            position: None,
            message: message.into(),
        }
    }

    /// The same problem at a 1-based line and column.
    pub fn at(mut self, position: Option<(usize, usize)>) -> Self {
        self.position = position;
        self
    }
}

/// Every problem and warning of one run, in the order found. Errors stop the
/// run before anything is written; warnings say what graphgen generated
/// around, and are errors too when the run is strict.
#[derive(Debug, Default)]
pub struct Report {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

impl Report {
    pub fn error(&mut self, problem: Diagnostic) {
        self.errors.push(problem);
    }

    pub fn warn(&mut self, warning: Diagnostic) {
        self.warnings.push(warning);
    }

    /// The errors as [`Error::Input`], when there are any.
    pub fn errors(&mut self) -> Result<(), Error> {
        match self.errors.is_empty() {
            true => Ok(()),
            false => Err(Error::Input(std::mem::take(&mut self.errors))),
        }
    }
}

/// What a strict run does with warnings: each is an error, and nothing is written.
pub fn strict(warnings: &[Diagnostic]) -> Result<(), Error> {
    if warnings.is_empty() {
        return Ok(());
    }
    Err(Error::Input(
        warnings
            .iter()
            .map(|warning| Diagnostic {
                message: format!("{} (a warning, an error in a strict run)", warning.message),
                ..warning.clone()
            })
            .collect(),
    ))
}

/// Messages hold text of the input (names, file names): shown through
/// `text::line`, so none can move a terminal's cursor or hide what follows.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", line(&self.file.display().to_string()))?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        let pointer = if self.pointer.is_empty() {
            "(document root)"
        } else {
            &self.pointer
        };
        write!(f, ": at {}: {}", line(pointer), line(&self.message))
    }
}

/// Why generation failed. `Debug` shows the same text as `Display`, so a
/// build script that returns this error prints something readable.
pub enum Error {
    /// The input files are unreadable or invalid; nothing was written.
    Input(Vec<Diagnostic>),
    /// The output could not be written; the previous output is untouched.
    Output {
        /// What was being written.
        path: PathBuf,
        /// The underlying failure.
        source: std::io::Error,
    },
    /// The request itself is unusable, for example an invalid crate name.
    Usage(String),
    /// graphgen produced code that does not parse: a bug in graphgen.
    Internal(String),
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(diagnostics) => {
                for (i, diagnostic) in diagnostics.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "error: {diagnostic}")?;
                }
                Ok(())
            }
            Error::Output { path, source } => {
                write!(f, "error: cannot write {}: {source}", line(&path.display().to_string()))
            }
            Error::Usage(message) => write!(f, "error: {}", line(message)),
            Error::Internal(message) => write!(f, "internal error (please report it): {message}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Input(_) | Error::Usage(_) | Error::Internal(_) => None,
            Error::Output { source, .. } => Some(source),
        }
    }
}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends reference tokens to a JSON pointer.
pub fn pointer(base: &str, tokens: &[&str]) -> String {
    let mut out = base.to_owned();
    for token in tokens {
        out.push('/');
        out.push_str(&escape_token(token));
    }
    out
}

thread_local! {
    /// Set while [`catch_panic`] runs on this thread: its panics are expected
    /// and reported as diagnostics, so the panic hook stays quiet for them.
    static CATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f`, turning a panic into `Err` with the panic's message. For calls
/// into dependencies on untrusted input (openapiv3 panics on some malformed
/// descriptions instead of returning an error): the caller reports the file
/// and the place. The process's panic hook is wrapped once so that a caught
/// panic prints nothing; every other panic still reaches the previous hook.
pub(crate) fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    QUIET_HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CATCHING.with(std::cell::Cell::get) {
                previous(info);
            }
        }));
    });
    let was_catching = CATCHING.with(|catching| catching.replace(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CATCHING.with(|catching| catching.set(was_catching));
    result.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".to_owned())
    })
}
