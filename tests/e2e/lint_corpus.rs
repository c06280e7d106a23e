//! `kubectl ds lint` on the corpus of published DaemonSet manifests (tests/fixtures/lint/corpus,
//! sources in SOURCES.md) against its review (REVIEW.md): every finding has a verdict, every
//! verdict a finding, the summary is what the rows add up to, and at least 90% of the findings
//! are ones the manifest's maintainer would act on.

use std::collections::{BTreeMap, BTreeSet};

use crate::harness::{ds_offline, fixtures};

/// (manifest file name, rule ID, field).
type Key = (String, String, String);

/// The review's rows, by finding, with the verdict.
fn review_rows(review: &str) -> BTreeMap<Key, String> {
    let mut rows = BTreeMap::new();
    let findings = review
        .split("## Findings")
        .nth(1)
        .expect("REVIEW.md has a Findings section");
    for line in findings
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains(".yaml"))
    {
        let cells: Vec<&str> = line
            .split(" | ")
            .map(|c| c.trim_matches(['|', ' ']))
            .collect();
        assert!(cells.len() >= 5, "malformed row: {line}");
        let key = (
            cells[0].to_string(),
            cells[1].to_string(),
            cells[2].trim_matches('`').to_string(),
        );
        let verdict = cells[3].to_string();
        assert!(
            ["act", "no", "wrong"].contains(&verdict.as_str()),
            "verdict must be act, no or wrong: {line}"
        );
        assert!(!cells[4].is_empty(), "every verdict says why: {line}");
        assert!(rows.insert(key, verdict).is_none(), "duplicate row: {line}");
    }
    rows
}

/// The findings lint reports on the corpus.
fn corpus_findings() -> BTreeSet<Key> {
    let run = ds_offline(
        &fixtures().join("lint"),
        &["lint", "corpus", "-o", "json", "--fail-on", "never"],
        None,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON report");
    let mut keys = BTreeSet::new();
    for finding in report["findings"].as_array().expect("findings") {
        let text = |pointer: &str| {
            finding
                .pointer(pointer)
                .and_then(|v| v.as_str())
                .expect(pointer)
        };
        let file = text("/file")
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let key = (
            file,
            text("/ruleId").to_string(),
            text("/field").to_string(),
        );
        assert!(keys.insert(key.clone()), "two findings share {key:?}");
    }
    keys
}

/// The summary table as the rows add it up: rule -> (findings, act, no, wrong).
fn tally(rows: &BTreeMap<Key, String>) -> BTreeMap<String, [usize; 4]> {
    let mut by_rule: BTreeMap<String, [usize; 4]> = BTreeMap::new();
    for ((_, rule, _), verdict) in rows {
        let counts = by_rule.entry(rule.clone()).or_default();
        counts[0] += 1;
        counts[match verdict.as_str() {
            "act" => 1,
            "no" => 2,
            _ => 3,
        }] += 1;
    }
    by_rule
}

#[test]
fn every_finding_on_the_corpus_is_reviewed_and_nine_in_ten_are_acted_on() {
    let review =
        std::fs::read_to_string(fixtures().join("lint/corpus/REVIEW.md")).expect("REVIEW.md");
    let rows = review_rows(&review);
    let findings = corpus_findings();
    let reviewed: BTreeSet<Key> = rows.keys().cloned().collect();
    let unreviewed: Vec<_> = findings.difference(&reviewed).collect();
    let gone: Vec<_> = reviewed.difference(&findings).collect();
    assert!(
        unreviewed.is_empty() && gone.is_empty(),
        "REVIEW.md is out of date.\nfindings without a verdict: {unreviewed:#?}\nverdicts without a finding: {gone:#?}"
    );

    let by_rule = tally(&rows);
    for (rule, [total, act, no, wrong]) in &by_rule {
        let line = format!("| {rule} | {total} | {act} | {no} | {wrong} |");
        assert!(review.contains(&line), "REVIEW.md's summary lacks {line}");
    }
    let total = rows.len();
    let act = rows.values().filter(|v| *v == "act").count();
    let share = act as f64 / total as f64;
    eprintln!(
        "corpus: {total} findings, {act} act ({:.1}%)",
        share * 100.0
    );
    assert!(
        review.contains(&format!(
            "{total} findings, {act} act ({:.1}%)",
            share * 100.0
        )),
        "REVIEW.md's summary line is out of date"
    );
    assert!(
        share >= 0.9,
        "only {:.1}% of the findings are acted on",
        share * 100.0
    );
}
