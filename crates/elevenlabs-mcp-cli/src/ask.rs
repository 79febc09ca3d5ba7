//! Asking before a change. `--yes` goes ahead; on a terminal only the answer `yes` does;
//! with no terminal to ask on (CI, a pipe, `</dev/null`) a change is refused, as Terraform
//! refuses, rather than made unasked.

use std::io::{BufRead, IsTerminal, Read, Write};

use crate::error::CliError;

/// Asks `question` (which says what will change) unless `yes`.
///
/// # Errors
///
/// [`CliError::Declined`] when the answer is not `yes`; [`CliError::Input`] when there is no
/// terminal to ask on and `--yes` was not given.
pub fn confirm(question: &str, yes: bool) -> Result<(), CliError> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Input(format!(
            "{question}\nthere is no terminal to ask on, so nothing was changed: pass --yes to go ahead without asking"
        )));
    }
    let mut err = std::io::stderr();
    let _ = write!(err, "{question} Only `yes` goes ahead: ");
    let _ = err.flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .take(1024)
        .read_line(&mut answer)
        .map_err(|e| CliError::Input(format!("reading the answer: {e}")))?;
    if answer.trim() == "yes" {
        Ok(())
    } else {
        Err(CliError::Declined)
    }
}
