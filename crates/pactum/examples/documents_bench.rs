//! Times the documents and the compliance assessment on an organisation already in a data
//! directory (bench/documents.sh imports a large one first). Prints the median and the
//! spread of each step over several runs, measured side by side in one process:
//! loading the data map, building the Art. 30(1) record, writing it in each format, and
//! assessing the organisation.
//!
//! Usage: documents_bench <data-dir> <org-slug> [runs, default 7]

use std::time::{Duration, Instant};

use pactum::config::{FileConfig, Overrides, Settings};
use pactum_documents::{Format, Kind, Request};
use pactum_domain::organisation::Language;
use pactum_store::scope::OrgId;

fn median(mut v: Vec<Duration>) -> (Duration, Duration, Duration) {
    v.sort();
    (v[0], v[v.len() / 2], v[v.len() - 1])
}

fn report(label: &str, times: Vec<Duration>, extra: &str) {
    let (min, med, max) = median(times);
    println!(
        "{label:<34} median {:>8.1} ms   min {:>8.1}   max {:>8.1}   {extra}",
        med.as_secs_f64() * 1e3,
        min.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(slug)) = (args.get(1), args.get(2)) else {
        anyhow::bail!("usage: documents_bench <data-dir> <org-slug> [runs]");
    };
    let runs: usize = args.get(3).map_or(Ok(7), |r| r.parse())?;
    let settings = Settings::resolve(
        FileConfig::default(),
        Overrides {
            data_dir: Some(dir.into()),
            ..Overrides::default()
        },
    )?;
    let store = pactum::server::open_store(&settings).await?;
    let org = OrgId(pactum_store::organisations::by_slug(&store, slug).await?.id);
    #[allow(
        clippy::disallowed_methods,
        reason = "a program's entry point is where the clock is read"
    )]
    let now = time::OffsetDateTime::now_utc();
    let request = Request {
        org,
        kind: Kind::RopaController,
        language: Language::En,
        project: None,
        record: None,
        now,
    };

    let mut load = Vec::new();
    let mut build = Vec::new();
    let mut doc = None;
    for _ in 0..runs {
        let t = Instant::now();
        let source = pactum_documents::source::load(&store, &request).await?;
        load.push(t.elapsed());
        let t = Instant::now();
        doc = Some(pactum_documents::build::document(&source, &request)?);
        build.push(t.elapsed());
    }
    let doc = doc.ok_or_else(|| anyhow::anyhow!("no runs"))?;
    let activities = doc
        .tables()
        .find(|t| t.key == "activities")
        .map_or(0, |t| t.rows.len());
    report("load the data map", load, "");
    report(
        "build the Art. 30(1) record",
        build,
        &format!("{activities} processing activities"),
    );
    for format in [
        Format::Pdf,
        Format::Xlsx,
        Format::Html,
        Format::Csv,
        Format::Json,
    ] {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..runs {
            let t = Instant::now();
            size = pactum_documents::render(&doc, format, None)?.len();
            times.push(t.elapsed());
        }
        report(
            &format!("write it as {}", format.extension()),
            times,
            &format!("{} KiB", size / 1024),
        );
    }

    let today = now.date();
    let mut assess = Vec::new();
    let mut findings = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let a = pactum_store::compliance::assess(&store, org, today, now).await?;
        assess.push(t.elapsed());
        findings = a.findings.len();
    }
    let items = pactum_store::records::count_in_org::<pactum_domain::datamap::data_item::DataItem>(
        &store, org,
    )
    .await?;
    report(
        "compliance assessment (load + rules)",
        assess,
        &format!("{items} data items, {findings} findings"),
    );
    Ok(())
}
