//! Classification throughput of the built-in model on fixed texts written for narrascope:
//! one tweet, one 5 KB article, 10,000 tweets (the 100 lines of `data/tweets100.txt`, 100
//! times) on one thread (a loop of `classify`) and on all cores (`classify_batch`), all
//! without explanations; and `explain` (evidence and sentence scores) on one tweet.

use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use narrascope::Classifier;
use std::hint::black_box;

const TWEETS: &str = include_str!("data/tweets100.txt");
const ARTICLE_5K: &str = include_str!("data/article_5k.txt");
const BATCH: usize = 10_000;

/// The tweet whose length is closest to the mean (first one on ties): a typical tweet.
fn typical(tweets: &[&'static str]) -> &'static str {
    let mean = tweets.iter().map(|t| t.len()).sum::<usize>() as f64 / tweets.len() as f64;
    tweets
        .iter()
        .copied()
        .min_by(|a, b| {
            (a.len() as f64 - mean)
                .abs()
                .total_cmp(&(b.len() as f64 - mean).abs())
        })
        .expect("the tweets file is not empty")
}

fn bench_classify(c: &mut Criterion) {
    let clf = Classifier::builtin();
    let tweets: Vec<&'static str> = TWEETS.lines().filter(|l| !l.trim().is_empty()).collect();
    let tweet = typical(&tweets);
    black_box(clf.classify(ARTICLE_5K)); // decode the model, warm up scratch buffers

    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Bytes(tweet.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("classify", format!("tweet-{}B", tweet.len())),
        &tweet,
        |b, t| b.iter(|| black_box(clf.classify(black_box(t)))),
    );
    group.throughput(Throughput::Bytes(ARTICLE_5K.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("classify", format!("article-{}B", ARTICLE_5K.len())),
        &ARTICLE_5K,
        |b, t| b.iter(|| black_box(clf.classify(black_box(t)))),
    );
    group.throughput(Throughput::Bytes(tweet.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("explain", format!("tweet-{}B", tweet.len())),
        &tweet,
        |b, t| b.iter(|| black_box(clf.explain(black_box(t)))),
    );
    group.finish();

    let batch: Vec<&str> = tweets.iter().copied().cycle().take(BATCH).collect();
    let batch_bytes: usize = batch.iter().map(|t| t.len()).sum();
    let threads = rayon::current_num_threads();
    let mut group = c.benchmark_group("classify-10k-tweets");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.throughput(Throughput::Bytes(batch_bytes as u64));
    group.bench_with_input(
        BenchmarkId::new("classify-loop", "1-thread"),
        &batch,
        |b, tw| {
            b.iter(|| {
                for t in tw {
                    black_box(clf.classify(black_box(t)));
                }
            })
        },
    );
    group.bench_with_input(
        BenchmarkId::new("classify_batch", format!("{threads}-threads")),
        &batch,
        |b, tw| b.iter(|| black_box(clf.classify_batch(black_box(tw)))),
    );
    group.finish();
}

criterion_group!(benches, bench_classify);
criterion_main!(benches);
