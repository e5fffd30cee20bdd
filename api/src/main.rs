//! The `registry` binary: everything lives in the library; see `registry --help`.

/// mimalloc rather than glibc's allocator: glibc gives every thread that allocates its own arena, and
/// with SQLite each pooled connection runs on a thread of its own, so the server's memory crept up by
/// fragmentation under steady load (+11 % in a 5-minute soak, all of it heap); mimalloc returns freed
/// memory across threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    without_transparent_huge_pages();
    registry::cli::run().await
}

/// Opts the process out of transparent huge pages. Where the kernel backs anonymous memory with them
/// (`enabled = always`, as on Debian), the first touch of a 4 KiB page in an allocator's arena
/// brought in the whole 2 MiB around it: under 16 concurrent batch verifications on SQLite, peak
/// resident memory was 174–188 MiB with them and 150–156 MiB without, for 6–15 % of the verification
/// rate on SQLite (more misses in the processor's address cache) and no measurable cost on PostgreSQL.
/// A kernel that refuses costs only that memory, so the server starts anyway.
fn without_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    if let Err(err) = nix::sys::prctl::set_thp_disable(true) {
        eprintln!("transparent huge pages stay on: {err}");
    }
}
