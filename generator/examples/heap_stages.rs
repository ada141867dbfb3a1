//! The heap each stage of `graphgen generate` holds, on one description:
//! what is live when the stage ends and the most that was live during it,
//! counted by a global allocator that wraps the system's (the crate is
//! written to a temporary directory, as `graphgen generate` writes it); and
//! the largest resident set during the stage (Linux), which adds the program
//! itself and the allocator's own slack.
//! `cargo run --release -p graphgen --example heap_stages -- FILE`

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// The process's largest resident set (`VmHWM`) since the last stage, in
/// bytes; 0 where `/proc` does not say.
fn resident_peak() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<usize>().ok()
        })
        .map_or(0, |kib| kib * 1024)
}

/// Prints the live and peak heap since the last stage, and starts the next.
fn stage(name: &str, size: usize) {
    let (live, peak) = (LIVE.load(Ordering::Relaxed), PEAK.load(Ordering::Relaxed));
    println!(
        "| {name} | {} | {} | {:.1}x | {} |",
        mib(live),
        mib(peak),
        peak as f64 / size as f64,
        mib(resident_peak())
    );
    PEAK.store(live, Ordering::Relaxed);
    // Linux starts the largest resident set over from the current one.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn main() {
    let path = PathBuf::from(std::env::args().nth(1).expect("usage: heap_stages FILE"));
    let size = std::fs::metadata(&path).expect("the description").len() as usize;
    println!("{} ({})\n", path.display(), mib(size));
    println!("| stage | live at its end | peak during it | peak / file | largest resident set during it |");
    println!("|---|---|---|---|---|");
    let mut report = graphgen::Report::default();
    let files = graphgen::load::load(std::slice::from_ref(&path), &mut report);
    report.errors().expect("loads");
    stage("load", size);
    let model = graphgen::model::build(&files, &graphgen::PathFilter::default()).expect("builds");
    stage("model (paths read as lowered)", size);
    drop(files);
    stage("description dropped", size);
    let out = tempfile::tempdir().expect("a temporary directory");
    let crate_dir = out.path().join("heap");
    graphgen::output::generate_crate_into(&model, "heap", &crate_dir).expect("writes the crate");
    stage("emit + format + write", size);
    drop(model);
    stage("model dropped", size);
}
