//! Validates the hand-written corpus and splits it into train, dev and test.
//!
//! ```text
//! cargo run --example make_splits
//! ```
//!
//! Steps:
//!
//! 1. Read every `data/corpus/written/*.jsonl` (files sorted by name, lines in order) and
//!    validate each passage: known fields only, unique ids across all files, labels within
//!    {recruitment, defection} without repeats, a known genre and language, non-empty text,
//!    theme and group. Any problem aborts the run with the full list.
//! 2. Find near-duplicate pairs: word 3-gram Jaccard similarity >= 0.6, where words are the
//!    lower-cased text split on non-alphanumeric characters (a text of one or two words is a
//!    single "gram"). Candidate pairs come from an inverted index over 3-grams. The groups of
//!    the two passages of every pair are merged (union-find), so near-duplicates and passages
//!    written from one idea always land in the same split.
//! 3. Assign each merged group by FNV-1a 64 of its smallest group id (byte order), mod 100:
//!    `< 70` train, `< 85` dev, else test.
//! 4. Balance: every split must hold at least one passage of every cell *language × label
//!    combination* (none, recruitment, defection, both), which implies every language and
//!    every label combination. Cells are visited language by language (en, fr, de, ar), then
//!    combination by combination (none, recruitment, defection, both), and splits in the
//!    order train, dev, test. When split S lacks cell C, a merged group is
//!    moved into S from a donor split: donors are tried by decreasing number of C passages
//!    (ties in split order) and must hold at least two C passages; the group moved is the
//!    donor's group with C passages that has the fewest passages, then the smallest hash,
//!    then the smallest key, and whose removal leaves the donor with at least one passage of
//!    every cell it touches. The visit repeats until nothing moves. Every move is printed.
//! 5. Write `data/corpus/{train,dev,test}.jsonl` (the written fields, in written-file order,
//!    plus `"split"`) and print counts by split × label, language and genre.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::error::Error;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

#[path = "common/corpus_schema.rs"]
mod schema;
use schema::{
    near_duplicates, Passage, COMBOS, EVASIONS, GENRES, LABELS, LANGS, NEAR_DUP_JACCARD, SPLITS,
};

#[derive(Serialize)]
struct SplitPassage<'a> {
    #[serde(flatten)]
    passage: &'a Passage,
    split: &'static str,
}

/// Index into [`COMBOS`] of a passage's label set.
fn combo(p: &Passage) -> usize {
    let rec = p.labels.iter().any(|l| l == "recruitment");
    let def = p.labels.iter().any(|l| l == "defection");
    match (rec, def) {
        (false, false) => 0,
        (true, false) => 1,
        (false, true) => 2,
        (true, true) => 3,
    }
}

fn lang_index(p: &Passage) -> usize {
    LANGS.iter().position(|l| *l == p.lang).expect("validated")
}

fn fnv1a64(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            // Keep the smaller index as root; indices follow sorted group ids.
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi] = lo;
        }
    }
}

fn read_written(dir: &Path) -> Result<Vec<(String, Passage)>, Box<dyn Error>> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no .jsonl files in {}", dir.display()).into());
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let content = fs::read_to_string(file)?;
        for (n, line) in content.lines().enumerate() {
            if line.trim().is_empty() {
                errors.push(format!("{name}:{}: empty line", n + 1));
                continue;
            }
            match serde_json::from_str::<Passage>(line) {
                Ok(p) => out.push((format!("{name}:{}", n + 1), p)),
                Err(e) => errors.push(format!("{name}:{}: {e}", n + 1)),
            }
        }
    }
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for (at, p) in &out {
        let mut bad = |what: String| errors.push(format!("{at} ({}): {what}", p.id));
        if p.id.trim().is_empty() {
            bad("empty id".into());
        }
        if let Some(first) = seen.insert(p.id.as_str(), at.as_str()) {
            bad(format!("duplicate id, first at {first}"));
        }
        if p.text.trim().is_empty() {
            bad("empty text".into());
        }
        if p.group.trim().is_empty() {
            bad("empty group".into());
        }
        if p.theme.trim().is_empty() {
            bad("empty theme".into());
        }
        let labels: BTreeSet<&str> = p.labels.iter().map(String::as_str).collect();
        if labels.len() != p.labels.len() || labels.iter().any(|l| !LABELS.contains(l)) {
            bad(format!("bad labels {:?}", p.labels));
        }
        if !GENRES.contains(&p.genre.as_str()) {
            bad(format!("bad genre {:?}", p.genre));
        }
        if !LANGS.contains(&p.lang.as_str()) {
            bad(format!("bad lang {:?}", p.lang));
        }
        if p.notes.as_deref().is_some_and(|n| n.trim().is_empty()) {
            bad("empty notes".into());
        }
        if let Some(e) = &p.evasion {
            if !EVASIONS.contains(&e.as_str()) {
                bad(format!("bad evasion {e:?}"));
            }
        }
    }
    if !errors.is_empty() {
        return Err(format!(
            "{} problem(s) in the written corpus:\n{}",
            errors.len(),
            errors.join("\n")
        )
        .into());
    }
    println!(
        "read {} passages from {} files, all valid",
        out.len(),
        files.len()
    );
    Ok(out)
}

/// A merged group: the passages of one or more `group` values joined by near-duplicates.
struct Unit {
    key: String,
    hash: u64,
    members: Vec<usize>,
    /// Number of passages per (lang, combo) cell.
    cells: BTreeMap<(usize, usize), usize>,
}

type Counts = [[[usize; 4]; 4]; 3];

fn count_cells(units: &[Unit], assign: &[usize]) -> Counts {
    let mut c = [[[0; 4]; 4]; 3];
    for (u, &s) in units.iter().zip(assign) {
        for (&(l, k), &n) in &u.cells {
            c[s][l][k] += n;
        }
    }
    c
}

/// Moves units until every split has every (lang, combo) cell, or no allowed move is left.
/// Returns a log of the moves.
fn balance(units: &[Unit], assign: &mut [usize]) -> Vec<String> {
    let mut log = Vec::new();
    loop {
        let mut moved = false;
        let counts = count_cells(units, assign);
        'cells: for l in 0..LANGS.len() {
            for k in 0..COMBOS.len() {
                for s in 0..SPLITS.len() {
                    if counts[s][l][k] > 0 {
                        continue;
                    }
                    let mut donors: Vec<usize> = (0..SPLITS.len())
                        .filter(|&d| d != s && counts[d][l][k] >= 2)
                        .collect();
                    donors.sort_by_key(|&d| (std::cmp::Reverse(counts[d][l][k]), d));
                    for d in donors {
                        let pick = units
                            .iter()
                            .enumerate()
                            .filter(|(ui, u)| assign[*ui] == d && u.cells.contains_key(&(l, k)))
                            .filter(|(_, u)| {
                                u.cells.iter().all(|(&(cl, ck), &n)| counts[d][cl][ck] > n)
                            })
                            .min_by(|(_, a), (_, b)| {
                                (a.members.len(), a.hash, &a.key).cmp(&(
                                    b.members.len(),
                                    b.hash,
                                    &b.key,
                                ))
                            });
                        if let Some((ui, u)) = pick {
                            assign[ui] = s;
                            log.push(format!(
                                "moved group {} ({} passage(s)) {} -> {} so that {} has {} {}",
                                u.key,
                                u.members.len(),
                                SPLITS[d],
                                SPLITS[s],
                                SPLITS[s],
                                LANGS[l],
                                COMBOS[k]
                            ));
                            moved = true;
                            break 'cells;
                        }
                    }
                }
            }
        }
        if !moved {
            return log;
        }
    }
}

fn table(
    title: &str,
    rows: &[&str],
    count: impl Fn(usize, usize) -> usize,
    splits: &[&str],
) -> String {
    let mut out = String::new();
    let width = rows
        .iter()
        .map(|r| r.chars().count())
        .max()
        .unwrap_or(0)
        .max(title.chars().count());
    let _ = write!(out, "{title:<width$}");
    for s in splits {
        let _ = write!(out, " {s:>6}");
    }
    let _ = writeln!(out, " {:>6}", "total");
    for (r, name) in rows.iter().enumerate() {
        let _ = write!(out, "{name:<width$}");
        let mut total = 0;
        for s in 0..splits.len() {
            let n = count(r, s);
            total += n;
            let _ = write!(out, " {n:>6}");
        }
        let _ = writeln!(out, " {total:>6}");
    }
    out
}

fn main() -> Result<(), Box<dyn Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus_dir = root.join("data/corpus");
    let written = read_written(&corpus_dir.join("written"))?;
    let passages: Vec<Passage> = written.into_iter().map(|(_, p)| p).collect();

    // Groups, indexed in sorted order so that a union-find root is the smallest group id.
    let group_names: Vec<&str> = passages
        .iter()
        .map(|p| p.group.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let group_index: HashMap<&str, usize> = group_names
        .iter()
        .enumerate()
        .map(|(i, g)| (*g, i))
        .collect();
    let passage_group: Vec<usize> = passages
        .iter()
        .map(|p| group_index[p.group.as_str()])
        .collect();

    let texts: Vec<&str> = passages.iter().map(|p| p.text.as_str()).collect();
    let (pairs, max_sim) = near_duplicates(&texts);
    println!(
        "near-duplicate pairs (word 3-gram Jaccard >= {NEAR_DUP_JACCARD}): {}; highest similarity between any two passages: {max_sim:.3}",
        pairs.len()
    );
    let mut uf = UnionFind::new(group_names.len());
    for &(i, j, sim) in &pairs {
        println!(
            "  {} ~ {} ({sim:.2}), groups {} + {}",
            passages[i].id, passages[j].id, passages[i].group, passages[j].group
        );
        uf.union(passage_group[i], passage_group[j]);
    }

    // Merged groups ("units").
    let mut unit_of_root: BTreeMap<usize, usize> = BTreeMap::new();
    let mut units: Vec<Unit> = Vec::new();
    let mut passage_unit = Vec::with_capacity(passages.len());
    for (pi, p) in passages.iter().enumerate() {
        let root_group = uf.find(passage_group[pi]);
        let ui = *unit_of_root.entry(root_group).or_insert_with(|| {
            let key = group_names[root_group].to_string();
            units.push(Unit {
                hash: fnv1a64(&key),
                key,
                members: Vec::new(),
                cells: BTreeMap::new(),
            });
            units.len() - 1
        });
        units[ui].members.push(pi);
        *units[ui]
            .cells
            .entry((lang_index(p), combo(p)))
            .or_default() += 1;
        passage_unit.push(ui);
    }
    let multi = units
        .iter()
        .filter(|u| {
            u.members
                .iter()
                .map(|&m| passage_group[m])
                .collect::<HashSet<_>>()
                .len()
                > 1
        })
        .count();
    println!(
        "{} groups, {} merged groups ({} made of several groups)",
        group_names.len(),
        units.len(),
        multi
    );

    let mut assign: Vec<usize> = units
        .iter()
        .map(|u| match u.hash % 100 {
            0..70 => 0,
            70..85 => 1,
            _ => 2,
        })
        .collect();
    let moves = balance(&units, &mut assign);
    println!("balance moves: {}", moves.len());
    for m in &moves {
        println!("  {m}");
    }

    // Every split must hold every cell, hence every language and every label combination.
    let counts = count_cells(&units, &assign);
    let mut missing = Vec::new();
    for s in 0..SPLITS.len() {
        for l in 0..LANGS.len() {
            for k in 0..COMBOS.len() {
                if counts[s][l][k] == 0 {
                    missing.push(format!("{} lacks {} {}", SPLITS[s], LANGS[l], COMBOS[k]));
                }
            }
        }
    }
    if !missing.is_empty() {
        return Err(format!("cannot balance the splits:\n{}", missing.join("\n")).into());
    }

    // Write the splits, passages in written-file order.
    let split_of = |pi: usize| assign[passage_unit[pi]];
    for (s, name) in SPLITS.iter().enumerate() {
        let mut out = String::new();
        for (pi, p) in passages.iter().enumerate() {
            if split_of(pi) == s {
                out.push_str(&serde_json::to_string(&SplitPassage {
                    passage: p,
                    split: name,
                })?);
                out.push('\n');
            }
        }
        let path = corpus_dir.join(format!("{name}.jsonl"));
        fs::write(&path, out)?;
        println!(
            "wrote {}",
            path.strip_prefix(root).unwrap_or(&path).display()
        );
    }

    // Counts.
    let mut by_split = [0usize; 3];
    let mut combo_counts = [[0usize; 4]; 3];
    let mut label_counts = [[0usize; 2]; 3];
    let mut lang_counts = [[0usize; 4]; 3];
    let mut genre_counts = [[0usize; 11]; 3];
    let mut notes_counts = [0usize; 3];
    let mut evasion_counts = [0usize; 3];
    for (pi, p) in passages.iter().enumerate() {
        let s = split_of(pi);
        by_split[s] += 1;
        combo_counts[s][combo(p)] += 1;
        for (li, l) in LABELS.iter().enumerate() {
            if p.labels.iter().any(|x| x == l) {
                label_counts[s][li] += 1;
            }
        }
        lang_counts[s][lang_index(p)] += 1;
        genre_counts[s][GENRES
            .iter()
            .position(|g| *g == p.genre)
            .expect("validated")] += 1;
        notes_counts[s] += usize::from(p.notes.is_some());
        evasion_counts[s] += usize::from(p.evasion.is_some());
    }
    let mut unit_counts = [0usize; 3];
    for &s in &assign {
        unit_counts[s] += 1;
    }

    println!();
    print!(
        "{}",
        table("passages", &["all"], |_, s| by_split[s], &SPLITS)
    );
    print!(
        "{}",
        table("merged groups", &["all"], |_, s| unit_counts[s], &SPLITS)
    );
    println!();
    print!(
        "{}",
        table("label set", &COMBOS, |r, s| combo_counts[s][r], &SPLITS)
    );
    println!();
    let label_rows = ["recruitment (any)", "defection (any)"];
    print!(
        "{}",
        table("label", &label_rows, |r, s| label_counts[s][r], &SPLITS)
    );
    println!();
    print!(
        "{}",
        table("lang", &LANGS, |r, s| lang_counts[s][r], &SPLITS)
    );
    println!();
    print!(
        "{}",
        table("genre", &GENRES, |r, s| genre_counts[s][r], &SPLITS)
    );
    println!();
    print!(
        "{}",
        table(
            "other",
            &["with notes", "with evasion"],
            |r, s| if r == 0 {
                notes_counts[s]
            } else {
                evasion_counts[s]
            },
            &SPLITS
        )
    );
    println!();
    let cell_rows: Vec<String> = LANGS
        .iter()
        .flat_map(|l| COMBOS.iter().map(move |c| format!("{l} {c}")))
        .collect();
    let cell_refs: Vec<&str> = cell_rows.iter().map(String::as_str).collect();
    print!(
        "{}",
        table(
            "lang × label set",
            &cell_refs,
            |r, s| counts[s][r / 4][r % 4],
            &SPLITS
        )
    );
    Ok(())
}
