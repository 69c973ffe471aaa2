//! Throughput of the scanner on a file, side by side with how fast the machine reads the
//! same bytes (a newline count that the compiler vectorises): single thread and all cores.
//! Prints one JSON object. Usage: throughput FILE [ROUNDS]

#![allow(
    clippy::expect_used,
    reason = "a benchmark tool: a bad argument ends it with the message"
)]

use std::time::Instant;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn chunks(text: &str, n: usize) -> Vec<&str> {
    let mut out = Vec::with_capacity(n);
    let mut start = 0;
    for i in 1..=n {
        let mut end = if i == n {
            text.len()
        } else {
            text.len() * i / n
        };
        while end < text.len() && text.as_bytes()[end - 1] != b'\n' {
            end += 1;
        }
        out.push(&text[start..end.max(start)]);
        start = end.max(start);
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: throughput FILE [ROUNDS]");
    let rounds: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(5);
    let text = std::fs::read_to_string(path).expect("readable UTF-8 file");
    let mb = text.len() as f64 / 1e6;
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let parts = chunks(&text, threads);

    let mut baseline = Vec::new();
    let mut single = Vec::new();
    let mut multi = Vec::new();
    let mut findings = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        let lines = text.as_bytes().iter().filter(|b| **b == b'\n').count();
        std::hint::black_box(lines);
        baseline.push(mb / t.elapsed().as_secs_f64());

        let t = Instant::now();
        findings = pactum_pii::scan(&text).len();
        single.push(mb / t.elapsed().as_secs_f64());

        let t = Instant::now();
        let total: usize = std::thread::scope(|s| {
            let handles: Vec<_> = parts
                .iter()
                .map(|p| s.spawn(move || pactum_pii::scan(p).len()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
        });
        std::hint::black_box(total);
        multi.push(mb / t.elapsed().as_secs_f64());
    }
    println!(
        "{{\"megabytes\": {mb:.1}, \"findings\": {findings}, \"threads\": {threads}, \"read_ceiling_mb_s\": {:.0}, \"single_thread_mb_s\": {:.0}, \"all_cores_mb_s\": {:.0}}}",
        median(baseline),
        median(single),
        median(multi)
    );
}
