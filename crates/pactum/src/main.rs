//! `pactum`: one binary for serving, the demo, migrations, export and import.

fn main() -> std::process::ExitCode {
    pactum::cli::main()
}
