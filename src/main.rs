use clap::Parser;

fn main() {
    // Like any Unix tool, end quietly when the reader of our output goes away (`huixiao … | head`).
    #[cfg(unix)]
    // SAFETY: restoring the default SIGPIPE action before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = huixiao::cli::Cli::parse();
    std::process::exit(huixiao::cli::run(cli));
}
