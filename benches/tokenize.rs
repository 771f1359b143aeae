//! Tokenizer throughput on checked-in text written for narrascope (tweet-like lines and a
//! long article), with every normalisation step on, and with steps switched off to show what
//! each costs.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use narrascope::tokenize::{Tokenized, Tokenizer};
use std::hint::black_box;

const TWEETS: &str = include_str!("data/tweets.txt");
const ARTICLE: &str = include_str!("data/article.txt");

fn configs() -> Vec<(&'static str, Tokenizer)> {
    vec![
        ("all-steps", Tokenizer::new()),
        (
            "no-stemming",
            Tokenizer::builder().stemming(false).build().unwrap(),
        ),
        (
            "no-normalisation",
            Tokenizer::builder()
                .nfkc_casefold(false)
                .invisible(false)
                .homoglyphs(false)
                .leetspeak(false)
                .elongation(false)
                .separated_letters(false)
                .arabic(false)
                .diacritics(false)
                .apostrophes(false)
                .build()
                .unwrap(),
        ),
        (
            "fixed-english",
            Tokenizer::builder().language_code("en").build().unwrap(),
        ),
    ]
}

fn bench_tokenize(c: &mut Criterion) {
    let tweets: Vec<&str> = TWEETS.lines().filter(|l| !l.trim().is_empty()).collect();
    let tweet_bytes: usize = tweets.iter().map(|t| t.len()).sum();
    let mut group = c.benchmark_group("tokenize");
    for (name, tok) in configs() {
        let mut out = Tokenized::new();
        tok.tokenize_into(ARTICLE, &mut out); // warm up lazy tables
        group.throughput(Throughput::Bytes(tweet_bytes as u64));
        group.bench_with_input(
            BenchmarkId::new(format!("tweets-{}", tweets.len()), name),
            &tweets,
            |b, tw| {
                b.iter(|| {
                    for t in tw {
                        tok.tokenize_into(black_box(t), &mut out);
                        black_box(out.tokens().len());
                    }
                })
            },
        );
        group.throughput(Throughput::Bytes(ARTICLE.len() as u64));
        group.bench_with_input(
            BenchmarkId::new(format!("article-{}B", ARTICLE.len()), name),
            &ARTICLE,
            |b, a| {
                b.iter(|| {
                    tok.tokenize_into(black_box(a), &mut out);
                    black_box(out.tokens().len());
                })
            },
        );
    }
    // Without sentence segmentation (the path feature extraction takes).
    let tok = Tokenizer::new();
    let mut out = Tokenized::new();
    group.throughput(Throughput::Bytes(tweet_bytes as u64));
    group.bench_with_input(
        BenchmarkId::new(format!("tweets-{}", tweets.len()), "all-steps-words-only"),
        &tweets,
        |b, tw| {
            b.iter(|| {
                for t in tw {
                    tok.tokenize_words_into(black_box(t), &mut out);
                    black_box(out.tokens().len());
                }
            })
        },
    );
    let ascii: Vec<&str> = tweets.iter().copied().filter(|t| t.is_ascii()).collect();
    let ascii_bytes: usize = ascii.iter().map(|t| t.len()).sum();
    group.throughput(Throughput::Bytes(ascii_bytes as u64));
    group.bench_with_input(
        BenchmarkId::new(format!("ascii-tweets-{}", ascii.len()), "all-steps"),
        &ascii,
        |b, tw| {
            b.iter(|| {
                for t in tw {
                    tok.tokenize_into(black_box(t), &mut out);
                    black_box(out.tokens().len());
                }
            })
        },
    );
    group.finish();
}

criterion_group!(benches, bench_tokenize);
criterion_main!(benches);
