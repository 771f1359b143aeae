//! Feature extraction throughput (tokenize + transform into a sparse TF-IDF vector, sorted with
//! `transform_into` or unordered with `transform_for_each`) with the built-in model's
//! vectorizer, on fixed texts written for narrascope: 100 tweet-like lines
//! and two long articles. Also splits the article case into tokenizing and transforming, and
//! repeats the tweets with a compact vocabulary (fitted on `data/corpus/train.jsonl`, chi-square
//! top 3,000 per label), to show what the vocabulary size costs, and without character
//! n-grams (the built-in model's other settings, fitted on the same file). Beside the tweets' cases,
//! `floor_skeleton` times a skeleton of the work no design with this output can skip, on the
//! same tweets' real feature ids (see `floor/skeleton.rs`): a lower bound for issue 3's aim,
//! not an implementation.
//!
//! The 100 tweets fit in the processor's caches after one round; a real stream does not. The
//! last cases featurize the 8,210 public tweets of `../shared/corpora/isextreme/train.jsonl`
//! (read at run time; skipped with a message when `../shared` is absent), whose words and
//! features spread over megabytes of caches and vocabulary, warmed on themselves (every word
//! cached: an upper bound), and the 2,437 test tweets on fresh threads warmed on the train
//! tweets (a stream of new text).

use criterion::measurement::WallTime;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion, Throughput,
};
use narrascope::classify::corpus::read_jsonl;
use narrascope::features::{FamilyWeights, SparseVector, Vectorizer};
use narrascope::tokenize::Tokenized;
use narrascope::Classifier;
use std::hint::black_box;

#[path = "floor/skeleton.rs"]
mod skeleton;

const TWEETS: &str = include_str!("data/tweets100.txt");
const ARTICLE: &str = include_str!("data/article.txt");
const ARTICLE_5K: &str = include_str!("data/article_5k.txt");

/// Benchmarks `transform_into` over every text of `texts` per iteration.
fn bench_texts(
    group: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    v: &Vectorizer,
    texts: &[&str],
    x: &mut SparseVector,
) {
    group.bench_with_input(BenchmarkId::new("transform_into", id), texts, |b, tw| {
        b.iter(|| {
            for t in tw {
                v.transform_into(black_box(t), x);
                black_box(x.nnz());
            }
        })
    });
}

/// Benchmarks `transform_for_each` (the same entries, unordered: what scoring uses) over
/// every text of `texts` per iteration.
fn bench_for_each(
    group: &mut BenchmarkGroup<'_, WallTime>,
    id: &str,
    v: &Vectorizer,
    texts: &[&str],
) {
    group.bench_with_input(
        BenchmarkId::new("transform_for_each", id),
        texts,
        |b, tw| {
            b.iter(|| {
                for t in tw {
                    let mut s = 0.0f32;
                    v.transform_for_each(black_box(t), |_, x| s += x);
                    black_box(s);
                }
            })
        },
    );
}

fn bench_features(c: &mut Criterion) {
    let clf = Classifier::builtin();
    let v = clf.model().vectorizer();
    eprintln!("built-in vectorizer: {} features", v.len());
    let tweets: Vec<&str> = TWEETS.lines().filter(|l| !l.trim().is_empty()).collect();
    let tweet_bytes: usize = tweets.iter().map(|t| t.len()).sum();
    let mut x = SparseVector::new();
    v.transform_into(ARTICLE_5K, &mut x); // warm up lazy tables and scratch buffers

    let mut group = c.benchmark_group("featurize");
    group.throughput(Throughput::Bytes(tweet_bytes as u64));
    let id = format!("tweets-{}", tweets.len());
    bench_texts(&mut group, &id, v, &tweets, &mut x);
    bench_for_each(&mut group, &id, v, &tweets);

    // the lower bound of issue 3's aim, beside the real path (see floor/skeleton.rs)
    let (sk, counts) = skeleton::Skeleton::build(v, &tweets);
    eprintln!(
        "floor skeleton: {:.1} occurrences per tweet against the real path's {:.1}",
        counts.skeleton, counts.real
    );
    let mut sks = skeleton::SkeletonScratch::default();
    group.bench_with_input(BenchmarkId::new("floor_skeleton", &id), &tweets, |b, tw| {
        b.iter(|| {
            for t in tw {
                sk.transform_into(black_box(t), &mut sks, &mut x);
                black_box(x.nnz());
            }
        })
    });
    for (name, text) in [("article", ARTICLE), ("article-5k", ARTICLE_5K)] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("transform_into", format!("{name}-{}B", text.len())),
            &text,
            |b, t| {
                b.iter(|| {
                    v.transform_into(black_box(t), &mut x);
                    black_box(x.nnz());
                })
            },
        );
    }

    // The 5 KB article split into its two halves: tokenizing (words only, as
    // `transform_into` does) and turning the tokens into the vector.
    let tok = v.tokenizer();
    let mut toks = Tokenized::new();
    group.throughput(Throughput::Bytes(ARTICLE_5K.len() as u64));
    group.bench_with_input(
        BenchmarkId::new(
            "tokenize_words_only",
            format!("article-5k-{}B", ARTICLE_5K.len()),
        ),
        &ARTICLE_5K,
        |b, t| {
            b.iter(|| {
                tok.tokenize_words_into(black_box(t), &mut toks);
                black_box(toks.tokens().len());
            })
        },
    );
    tok.tokenize_words_into(ARTICLE_5K, &mut toks);
    let n = toks.tokens().len();
    group.bench_with_input(
        BenchmarkId::new(
            "transform_tokens_only",
            format!("article-5k-{}B", ARTICLE_5K.len()),
        ),
        &toks,
        |b, tk| {
            b.iter(|| {
                v.transform_tokens(black_box(tk), 0..n, &mut x, None);
                black_box(x.nnz());
            })
        },
    );
    // the same tweets through a compact vocabulary
    let train = read_jsonl(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/corpus/train.jsonl"
    ))
    .expect("data/corpus/train.jsonl is in the repository");
    let texts: Vec<&str> = train.iter().map(|d| d.text.as_str()).collect();
    let labels: Vec<Vec<bool>> = train
        .iter()
        .map(|d| vec![d.has("recruitment"), d.has("defection")])
        .collect();
    let full = Vectorizer::params().fit(&texts).expect("fit");
    let xs: Vec<SparseVector> = texts.iter().map(|t| full.transform(t)).collect();
    let compact = full.select(&xs, &labels, 3000).expect("select");
    compact.transform_into(ARTICLE_5K, &mut x);
    group.throughput(Throughput::Bytes(tweet_bytes as u64));
    let id = format!("tweets-{}-compact-{}-features", tweets.len(), compact.len());
    bench_texts(&mut group, &id, &compact, &tweets, &mut x);

    // the same tweets without character n-grams (the built-in model's other settings, fitted on
    // data/ train): what dropping the family that makes 88% of the occurrences buys
    let used = v.params_used();
    let words_only = Vectorizer::params()
        .weighting(used.weighting())
        .tokenizer(used.tokenizer().clone())
        .weights(FamilyWeights {
            char_ngrams: 0.0,
            ..used.weights().clone()
        })
        .fit(&texts)
        .expect("fit");
    words_only.transform_into(ARTICLE_5K, &mut x);
    let id = format!(
        "tweets-{}-words-only-{}-features",
        tweets.len(),
        words_only.len()
    );
    bench_texts(&mut group, &id, &words_only, &tweets, &mut x);

    // a real stream: thousands of distinct tweets (read at run time, never copied here)
    let stream = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpora/isextreme/train.jsonl"
    );
    match read_jsonl(stream) {
        Ok(docs) => {
            let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
            let bytes: usize = texts.iter().map(|t| t.len()).sum();
            for t in &texts {
                v.transform_into(t, &mut x); // warm the word caches: steady state of a stream
            }
            group.throughput(Throughput::Bytes(bytes as u64));
            group.sample_size(10);
            let id = format!("isextreme-train-{}", texts.len());
            bench_texts(&mut group, &id, v, &texts, &mut x);
            bench_for_each(&mut group, &id, v, &texts);
        }
        Err(e) => eprintln!("skipping the isextreme stream case: {stream}: {e}"),
    }

    // A stream of new text: each timed round runs on a fresh thread (empty word caches),
    // warmed on the train tweets (untimed), then featurizes the test tweets, whose accounts
    // and many of whose words the caches have not seen.
    let test = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpora/isextreme/test.jsonl"
    );
    match (read_jsonl(stream), read_jsonl(test)) {
        (Ok(warm), Ok(docs)) => {
            let warm: Vec<&str> = warm.iter().map(|d| d.text.as_str()).collect();
            let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
            let bytes: usize = texts.iter().map(|t| t.len()).sum();
            group.throughput(Throughput::Bytes(bytes as u64));
            group.sample_size(10);
            let id = format!("isextreme-test-{}-after-warm-up", texts.len());
            group.bench_function(BenchmarkId::new("transform_into", id), |b| {
                b.iter_custom(|iters| {
                    let mut total = std::time::Duration::ZERO;
                    for _ in 0..iters {
                        total += std::thread::scope(|sc| {
                            sc.spawn(|| {
                                let mut x = SparseVector::new();
                                for t in &warm {
                                    v.transform_into(t, &mut x);
                                }
                                let start = std::time::Instant::now();
                                for t in &texts {
                                    v.transform_into(black_box(t), &mut x);
                                    black_box(x.nnz());
                                }
                                start.elapsed()
                            })
                            .join()
                            .expect("featurizing thread")
                        });
                    }
                    total
                })
            });
        }
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("skipping the isextreme new-text stream case: {e}")
        }
    }
    group.finish();
}

criterion_group!(benches, bench_features);
criterion_main!(benches);
