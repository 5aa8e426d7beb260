use clap::Parser;

fn main() {
    let cli = huixiao::cli::Cli::parse();
    std::process::exit(huixiao::cli::run(cli));
}
