//! Helpers shared by the example binaries (included with `#[path]`; not an example itself).

/// Prints `TOOL: error: MESSAGE` with the cause chain, skipping causes their parent already
/// quotes (a corpus error reads `FILE:LINE: reason`), and returns the failure exit code.
pub fn report_error(tool: &str, e: &anyhow::Error) -> std::process::ExitCode {
    let mut msg = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !msg.contains(&c) {
            msg = format!("{msg}: {c}");
        }
    }
    eprintln!("{tool}: error: {msg}");
    std::process::ExitCode::FAILURE
}
